import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import type { Artifact, JsonValue } from '../artifacts/artifact.js';
import type { ChatMessage, TokenUsage } from '../models/model-provider.js';
import { ModelRouter } from '../models/model-router.js';
import { SandboxError } from '../tools/sandbox.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { RunSteps, StepFailure } from '../journal/run-steps.js';
import type { RoutedCompletion } from '../models/model-router.js';
import { Toolbox } from '../tools/toolbox.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { renderPrompt } from './prompt-renderer.js';
import { SchemaValidator } from './schema-validator.js';

export interface ToolCallRecord {
  tool: string;
  argumentsJson: string;
  resultJson: string;
  durationMs: number;
  error: string;
}

export interface Execution {
  output: JsonValue;
  toolCalls: ToolCallRecord[];
  usage: TokenUsage & { provider: string; model: string; costUsd: number };
}

/** A run failure with the tool calls made before it (for the failure event and logs). */
export class ExecutionError extends AppError {
  constructor(
    cause: AppError,
    readonly toolCalls: ToolCallRecord[],
  ) {
    super(cause.code, cause.message, { path: cause.path, details: cause.details, cause });
  }
}

const MAX_TURNS = 8;

/**
 * Executes one run of an artifact: renders the prompts, converses with the model route (tool
 * calls in between, each checked against the tool's input schema), validates the final output
 * against the output schema. Failures are AppErrors: TOOL_FAILED, OUTPUT_INVALID, INVALID_ARGUMENT
 * (input), PRECONDITION_FAILED (model route or budget).
 */
@Injectable()
export class AgentExecutor {
  constructor(
    private readonly models: ModelRouter,
    private readonly toolbox: Toolbox,
    private readonly schemas: SchemaValidator,
    private readonly metrics: WorkerMetrics,
  ) {}

  /**
   * Every model call and tool call is a step of `steps` (the run's journal): replayed from its
   * stored result when an earlier delivery completed it, else executed and stored before the run
   * moves on. Throws RunStopped between steps when the run was cancelled or is handed back.
   */
  async execute(artifact: Artifact, input: JsonValue, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps): Promise<Execution> {
    const toolCalls: ToolCallRecord[] = [];
    try {
      return await this.run(artifact, input, ctx, steps, toolCalls);
    } catch (error) {
      if (error instanceof AppError) throw new ExecutionError(error, toolCalls);
      throw error;
    }
  }

  private async run(artifact: Artifact, input: JsonValue, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps, toolCalls: ToolCallRecord[]): Promise<Execution> {
    if (artifact.input.schema) {
      const violations = this.schemas.validate(artifact.input.schema, input);
      if (violations.length > 0) throw new AppError(ErrorCode.InvalidArgument, `input does not match the blueprint's input schema: ${describe(violations)}`, { path: `/input${violations[0]?.path === '/' ? '' : (violations[0]?.path ?? '')}`, details: { violations } });
    }
    const variables = artifact.prompt.variables;
    const scope = { input, variables };
    const messages: ChatMessage[] = [
      { role: 'system', content: renderPrompt(artifact.prompt.system, scope) },
      { role: 'user', content: renderPrompt(artifact.prompt.user, scope) },
    ];
    const tools = this.toolbox.toolsOf(artifact);
    const definitions = artifact.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
    const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0, provider: '', model: '' };
    const budget = artifact.model.maxCostUsdPerRun;

    for (let turn = 0; turn < MAX_TURNS; turn++) {
      if (budget !== null && usage.costUsd >= budget && usage.costUsd > 0) {
        throw new AppError(ErrorCode.PreconditionFailed, `run budget of ${budget} USD is spent (${usage.costUsd.toFixed(4)} USD)`, { path: '/spec/model/maxCostUsdPerRun' });
      }
      const { result, provider, model } = await this.modelStep(artifact, messages, definitions, scope, steps);
      usage.inputTokens += result.usage.inputTokens;
      usage.outputTokens += result.usage.outputTokens;
      usage.costUsd += result.costUsd;
      usage.provider = provider;
      usage.model = model;
      if (result.kind === 'final') {
        this.checkOutput(artifact, result.output);
        // complete() said the run was cancelled meanwhile: no outcome for it.
        steps.checkpoint();
        return { output: result.output, toolCalls, usage };
      }
      messages.push({ role: 'assistant', content: '', toolCalls: result.toolCalls });
      for (const call of result.toolCalls) {
        const resultJson = await this.callTool(artifact, tools, call.tool, call.arguments, ctx, steps, toolCalls);
        messages.push({ role: 'tool', toolCallId: call.id, tool: call.tool, content: resultJson });
      }
    }
    throw new AppError(ErrorCode.OutputInvalid, `the model gave no final output within ${MAX_TURNS} turns`);
  }

  /** One model call as a step (kind model, name provider route): replayed or executed and stored. */
  private async modelStep(
    artifact: Artifact,
    messages: ChatMessage[],
    tools: { name: string; description: string; inputSchema: unknown }[],
    scope: { input: JsonValue; variables: Record<string, JsonValue> },
    steps: RunSteps,
  ): Promise<RoutedCompletion> {
    const route = artifact.model.route;
    const outcome = await steps.step('model', route.join(',') || 'none', { route, messages, tools, outputSchema: artifact.output.schema }, async () =>
      JSON.stringify(await this.models.complete(route, { messages, tools: tools as never, outputSchema: artifact.output.schema, context: scope })),
    );
    if (outcome.error) throw new AppError(ErrorCode.PayloadTooLarge, `model step ${outcome.stepId}: ${outcome.error}`);
    return JSON.parse(outcome.resultJson) as RoutedCompletion;
  }

  private async callTool(artifact: Artifact, tools: Map<string, Tool>, name: string, args: JsonValue, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps, log: ToolCallRecord[]): Promise<string> {
    const index = artifact.tools.findIndex((t) => t.name === name);
    const tool = tools.get(name);
    const spec = artifact.tools[index];
    const path = `/spec/tools/${index}`;
    const started = performance.now();
    const record = (resultJson: string, error: string) => log.push({ tool: name, argumentsJson: JSON.stringify(args), resultJson, durationMs: performance.now() - started, error });
    if (!tool || !spec) {
      record('', 'unknown tool');
      throw new AppError(ErrorCode.ToolFailed, `the model called unknown tool "${name}"`);
    }
    const violations = this.schemas.validate(spec.inputSchema, args);
    if (violations.length > 0) {
      const message = `arguments for tool "${name}" do not match its input schema: ${describe(violations)}`;
      record('', message);
      this.metrics.toolCalls.inc({ kind: tool.kind, outcome: 'invalid_arguments' });
      throw new AppError(ErrorCode.ToolFailed, message, { path: `${path}/inputSchema`, details: { violations } });
    }
    let reason = 'replayed';
    const outcome = await steps.step('tool', name, { tool: name, arguments: args }, async (stepId) => {
      try {
        // The step id is the idempotency key of whatever the call does outside (see README "Guarantees").
        return JSON.stringify(await tool.invoke(args, { ...ctx, stepId }));
      } catch (error) {
        reason = error instanceof SandboxError ? error.reason : 'threw';
        throw new StepFailure(error instanceof Error ? error.message : String(error), error);
      }
    });
    if (!outcome.error) {
      record(outcome.resultJson, '');
      this.metrics.toolCalls.inc({ kind: tool.kind, outcome: outcome.replayed ? 'replayed' : 'ok' });
      return outcome.resultJson;
    }
    if (!outcome.replayed && reason === 'replayed') reason = 'result_too_large';
    record('', outcome.error);
    this.metrics.toolCalls.inc({ kind: tool.kind, outcome: reason });
    throw new AppError(ErrorCode.ToolFailed, outcome.error, { path: tool.kind === 'code' ? `${path}/code` : path, details: { tool: name, reason, stepId: outcome.stepId } });
  }

  private checkOutput(artifact: Artifact, output: JsonValue): void {
    const schema = artifact.output.schema;
    if (!schema) return;
    const violations = this.schemas.validate(schema, output);
    if (violations.length > 0) {
      throw new AppError(ErrorCode.OutputInvalid, `output does not match the output schema: ${describe(violations)}`, { path: '/spec/output/schema', details: { violations } });
    }
  }
}

function describe(violations: { path: string; message: string }[]): string {
  return violations
    .slice(0, 5)
    .map((v) => `${v.path} ${v.message}`)
    .join('; ');
}

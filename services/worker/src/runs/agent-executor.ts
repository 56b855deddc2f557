import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import type { Artifact, JsonValue } from '../artifacts/artifact.js';
import type { ChatMessage, TokenUsage } from '../models/model-provider.js';
import { ModelRouter } from '../models/model-router.js';
import { SandboxError } from '../tools/sandbox.js';
import type { Tool, ToolContext } from '../tools/tool.js';
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

  async execute(artifact: Artifact, input: JsonValue, ctx: ToolContext): Promise<Execution> {
    const toolCalls: ToolCallRecord[] = [];
    try {
      return await this.run(artifact, input, ctx, toolCalls);
    } catch (error) {
      if (error instanceof AppError) throw new ExecutionError(error, toolCalls);
      throw error;
    }
  }

  private async run(artifact: Artifact, input: JsonValue, ctx: ToolContext, toolCalls: ToolCallRecord[]): Promise<Execution> {
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
      const { result, provider, model } = await this.models.complete(artifact.model.route, { messages, tools: definitions, outputSchema: artifact.output.schema, context: scope });
      usage.inputTokens += result.usage.inputTokens;
      usage.outputTokens += result.usage.outputTokens;
      usage.costUsd += result.costUsd;
      usage.provider = provider;
      usage.model = model;
      if (result.kind === 'final') {
        this.checkOutput(artifact, result.output);
        return { output: result.output, toolCalls, usage };
      }
      messages.push({ role: 'assistant', content: '', toolCalls: result.toolCalls });
      for (const call of result.toolCalls) {
        const resultJson = await this.callTool(artifact, tools, call.tool, call.arguments, ctx, toolCalls);
        messages.push({ role: 'tool', toolCallId: call.id, tool: call.tool, content: resultJson });
      }
    }
    throw new AppError(ErrorCode.OutputInvalid, `the model gave no final output within ${MAX_TURNS} turns`);
  }

  private async callTool(artifact: Artifact, tools: Map<string, Tool>, name: string, args: JsonValue, ctx: ToolContext, log: ToolCallRecord[]): Promise<string> {
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
    try {
      const result = await tool.invoke(args, ctx);
      const resultJson = JSON.stringify(result);
      record(resultJson, '');
      this.metrics.toolCalls.inc({ kind: tool.kind, outcome: 'ok' });
      return resultJson;
    } catch (error) {
      const reason = error instanceof SandboxError ? error.reason : 'threw';
      const message = error instanceof Error ? error.message : String(error);
      record('', message);
      this.metrics.toolCalls.inc({ kind: tool.kind, outcome: reason });
      throw new AppError(ErrorCode.ToolFailed, message, { path: tool.kind === 'code' ? `${path}/code` : path, details: { tool: name, reason }, cause: error });
    }
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

import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { decideAction, decideConfidence, ruleKind, type ActionDecision } from '@af/blueprint-format';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import type { Artifact, JsonValue } from '../artifacts/artifact.js';
import type { ChatMessage, TokenUsage } from '../models/model-provider.js';
import { ModelRouter } from '../models/model-router.js';
import { SandboxError } from '../tools/sandbox.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { RunSteps, StepFailure, type ApprovalOpening, type DependencyCall } from '../journal/run-steps.js';
import { EscalationRepository } from '../governance/escalation.repository.js';
import type { AttemptHooks, ModelAttempt, RoutedCompletion } from '../models/model-router.js';
import { TOKEN_STREAM_LIMITS, TokenStream, type TokenStreamLimits } from '../models/token-stream.js';
import { BudgetClient } from '../budget/budget.client.js';
import { RunBudget } from '../budget/run-budget.js';
import { Toolbox } from '../tools/toolbox.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { clip, memoryAccessOf, memorySources, queryTextOf, renderRemembered, workingScopeOf, type Remembered } from '../memory/memory-access.js';
import { RunMemory } from '../memory/run-memory.js';
import { renderPrompt } from './prompt-renderer.js';
import { SchemaValidator } from './schema-validator.js';

export interface ToolCallRecord {
  tool: string;
  argumentsJson: string;
  resultJson: string;
  durationMs: number;
  error: string;
}

/** Sums over every model call attempt (`calls`, fallbacks, repairs and refusals included); provider/model: the last that served. */
export type RunUsage = TokenUsage & { provider: string; model: string; costUsd: number; cachedInputTokens: number; calls: ModelAttempt[] };

export interface Execution {
  output: JsonValue;
  toolCalls: ToolCallRecord[];
  usage: RunUsage;
}

/** A run failure with the tool calls and the model usage before it (for the failure event and logs). */
export class ExecutionError extends AppError {
  constructor(
    cause: AppError,
    readonly toolCalls: ToolCallRecord[],
    readonly usage: RunUsage,
  ) {
    super(cause.code, cause.message, { path: cause.path, details: cause.details, cause });
  }
}

const MAX_TURNS = 8;

/** Who and what a run is, beyond its tool context: what an escalation and an audit record name. */
export interface RunIdentity {
  /** The submitting caller's subject (ExecuteRun.requested_by): never an approver of the run's escalations. */
  requestedBy: string;
  version: number;
  attempt: number;
  workerId: string;
  /** How calls to governance and the orchestrator are made: retried while they are away. */
  dependency: DependencyCall;
}

/** What the orchestrator stores in an approval step when its escalation is decided. */
interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  escalationId: string;
  approvers: string[];
  decidedBy: string;
  reason: string;
  message?: string;
}

type Call = { name: string; args: JsonValue; reason: string };

/**
 * Executes one run of an artifact: renders the prompts, converses with the model route (tool
 * calls in between, each checked against the tool's input schema), validates the final output
 * against the output schema. Failures are AppErrors: TOOL_FAILED, OUTPUT_INVALID, INVALID_ARGUMENT
 * (input), PRECONDITION_FAILED (model route), BUDGET_EXCEEDED (a budget refused a model call
 * before it was made: see budget/run-budget.ts).
 */
@Injectable()
export class AgentExecutor {
  constructor(
    private readonly models: ModelRouter,
    private readonly toolbox: Toolbox,
    private readonly schemas: SchemaValidator,
    private readonly metrics: WorkerMetrics,
    private readonly escalations: EscalationRepository,
    private readonly audit: AuditTrail,
    private readonly bus: MessageBus,
    private readonly budgets: BudgetClient,
    private readonly memory: RunMemory,
    @Inject(TOKEN_STREAM_LIMITS) private readonly streamLimits: TokenStreamLimits,
  ) {}

  /**
   * Every model call and tool call is a step of `steps` (the run's journal): replayed from its
   * stored result when an earlier delivery completed it, else executed and stored before the run
   * moves on. Throws RunStopped between steps when the run was cancelled or is handed back.
   */
  async execute(artifact: Artifact, input: JsonValue, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps, identity: RunIdentity): Promise<Execution> {
    const toolCalls: ToolCallRecord[] = [];
    const usage: RunUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, provider: '', model: '', calls: [] };
    try {
      return await this.run(artifact, input, ctx, steps, toolCalls, usage, identity);
    } catch (error) {
      if (error instanceof AppError) throw new ExecutionError(error, toolCalls, usage);
      throw error;
    }
  }

  private async run(artifact: Artifact, input: JsonValue, runCtx: Omit<ToolContext, 'stepId'>, steps: RunSteps, toolCalls: ToolCallRecord[], usage: RunUsage, identity: RunIdentity): Promise<Execution> {
    if (artifact.input.schema) {
      const violations = this.schemas.validate(artifact.input.schema, input);
      if (violations.length > 0) throw new AppError(ErrorCode.InvalidArgument, `input does not match the blueprint's input schema: ${describe(violations)}`, { path: `/input${violations[0]?.path === '/' ? '' : (violations[0]?.path ?? '')}`, details: { violations } });
    }
    // The run's memory scope (blueprint spec.context), for the memory bridges of its tool calls.
    const ctx = { ...runCtx, memory: runCtx.memory ?? memoryAccessOf(artifact.context, runCtx.agent, artifact.blueprint.labels), workingScope: runCtx.workingScope ?? workingScopeOf(input, runCtx.runId) };
    const remembered = await this.loadMemory(artifact, input, ctx, steps);
    const variables = artifact.prompt.variables;
    const scope = { input, variables, ...(remembered ? { memory: memorySources(remembered) } : {}) };
    const system = renderPrompt(artifact.prompt.system, scope);
    const section = remembered ? renderRemembered(remembered, this.memory.contextMaxBytes) : '';
    const messages: ChatMessage[] = [
      { role: 'system', content: section ? `${system}\n\n${section}` : system },
      { role: 'user', content: renderPrompt(artifact.prompt.user, scope) },
    ];
    const tools = this.toolbox.toolsOf(artifact);
    const definitions = artifact.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
    const hooks = this.hooksFor(artifact, ctx, identity, usage);

    for (let turn = 0; turn < MAX_TURNS; turn++) {
      const { result, provider, model } = await this.modelStep(artifact, messages, definitions, scope, steps, hooks);
      usage.provider = provider;
      usage.model = model;
      if (result.kind === 'final') {
        this.checkOutput(artifact, result.output);
        await this.checkConfidence(artifact, result.output, result.confidence, ctx, steps, identity);
        await this.saveMemory(artifact, input, result.output, ctx, steps);
        // complete() said the run was cancelled meanwhile: no outcome for it.
        steps.checkpoint();
        return { output: result.output, toolCalls, usage };
      }
      messages.push({ role: 'assistant', content: '', toolCalls: result.toolCalls });
      for (const call of result.toolCalls) {
        const resultJson = await this.callTool(artifact, tools, { name: call.tool, args: call.arguments, reason: call.reason ?? '' }, ctx, steps, toolCalls, identity);
        messages.push({ role: 'tool', toolCallId: call.id, tool: call.tool, content: resultJson });
      }
    }
    throw new AppError(ErrorCode.OutputInvalid, `the model gave no final output within ${MAX_TURNS} turns`);
  }

  /** One completion along the route: each attempt is a step (kind model, name provider/model), replayed or executed and stored. */
  private async modelStep(
    artifact: Artifact,
    messages: ChatMessage[],
    tools: { name: string; description: string; inputSchema: unknown }[],
    scope: { input: JsonValue; variables: Record<string, JsonValue>; memory?: JsonValue[] },
    steps: RunSteps,
    hooks: AttemptHooks,
  ): Promise<RoutedCompletion> {
    const schema = artifact.output.schema;
    const validate = (output: JsonValue): string | null => {
      const violations = schema ? this.schemas.validate(schema, output) : [];
      return violations.length > 0 ? describe(violations) : null;
    };
    return this.models.complete(artifact.model.route, { messages, tools: tools as never, outputSchema: schema, context: scope }, steps, validate, hooks);
  }

  /**
   * Before the first model call, per the blueprint's `context.memory`: the working memory of the
   * run's thread/user/run, the relevant episodes and the top-K semantic hits — ONE journaled step
   * (kind `memory`, name `memory.load`), so the run's steps show what it saw and a redelivery
   * replays exactly that. The memory service away: bounded wait, then the run proceeds without
   * memory and the step's `notes` say so (see memory/run-memory.ts).
   */
  private async loadMemory(artifact: Artifact, input: JsonValue, ctx: Omit<ToolContext, 'stepId'> & { memory: NonNullable<ToolContext['memory']> }, steps: RunSteps): Promise<Remembered | undefined> {
    const context = artifact.context;
    if (!context?.memory) return undefined;
    const request = this.memory.loadRequest(context, ctx.memory, input, ctx.runId);
    if (!request.working && !request.episodic && !request.semantic) return undefined;
    const outcome = await steps.step('memory', 'memory.load', request, async () => {
      try {
        return JSON.stringify(await this.memory.load(ctx.tenantId, ctx.memory, request));
      } catch (error) {
        // The memory service refused (not away): recorded, and the run goes on without memory.
        throw new StepFailure(`memory not loaded: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    });
    this.metrics.memoryLoads.inc({ outcome: outcome.error ? 'failed' : outcome.replayed ? 'replayed' : 'ok' });
    if (outcome.error) return { items: [], notes: [outcome.error] };
    try {
      return JSON.parse(outcome.resultJson) as Remembered;
    } catch {
      return { items: [], notes: ['the memory step result is unreadable'] };
    }
  }

  /**
   * After a succeeded answer of a run with `context.memory.working` (and not read-only): its input
   * and output, summarised, appended to the working window of its scope (compare-and-set on the
   * version, retried on a conflict) — a journaled step (kind `memory`, name `memory.save`), so a
   * redelivery does not append twice.
   */
  private async saveMemory(artifact: Artifact, input: JsonValue, output: JsonValue, ctx: Omit<ToolContext, 'stepId'> & { memory: NonNullable<ToolContext['memory']>; workingScope: NonNullable<ToolContext['workingScope']> }, steps: RunSteps): Promise<void> {
    if (artifact.context?.memory?.working !== true || ctx.memory.readOnly) return;
    const entry = JSON.stringify({ runId: ctx.runId, input: clip(queryTextOf(input) || JSON.stringify(input), 400), output: clip(JSON.stringify(output), 500) });
    await steps.step('memory', 'memory.save', { working: ctx.workingScope }, async () => {
      try {
        return JSON.stringify(await this.memory.appendWorking(ctx.tenantId, ctx.memory, ctx.workingScope, entry));
      } catch (error) {
        throw new StepFailure(`working memory not updated: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    });
  }

  /**
   * What the run adds around each model call attempt: its budgets (the run's maxCostUsdPerRun
   * against what all attempts cost so far, then the tenant's and agent's at the metering service)
   * before a priced call and the settlement after it; the usage summed as attempts are known
   * (so a failed run reports what it cost too); the answer text streamed on
   * `af.v1.runs.tokens.<runId>` — coalesced, bounded per step, best effort (never blocks the call).
   */
  private hooksFor(artifact: Artifact, ctx: Omit<ToolContext, 'stepId'>, identity: RunIdentity, usage: RunUsage): AttemptHooks {
    const budget = new RunBudget(
      { tenantId: ctx.tenantId as TenantId, runId: ctx.runId, agent: ctx.agent, maxCostUsdPerRun: artifact.model.maxCostUsdPerRun },
      () => usage.costUsd,
      this.budgets,
      identity.dependency,
      this.metrics,
    );
    return {
      beforeCall: (call) => budget.beforeCall(call),
      afterCall: (call) => budget.afterCall(call),
      onAttempt: (a) => {
        usage.inputTokens += a.inputTokens;
        usage.outputTokens += a.outputTokens;
        usage.cachedInputTokens += a.cachedInputTokens;
        usage.costUsd += a.costUsd;
        usage.calls.push(a);
      },
      stream: (stepId, route) => {
        if (this.streamLimits.maxBytesPerStep <= 0) return undefined;
        const provider = route.slice(0, route.indexOf('/'));
        const stream = new TokenStream(
          this.streamLimits,
          (index, text) => this.bus.emitTo('af.v1.runs.tokens', ctx.runId, { runId: ctx.runId, stepId, route, index, text }),
          (bytes) => this.metrics.tokensStreamed.inc({ provider }, bytes),
        );
        return {
          push: (text) => stream.push(text),
          close: () => {
            stream.close();
            if (stream.droppedBytes > 0) this.metrics.tokensDropped.inc({ provider }, stream.droppedBytes);
          },
        };
      },
    };
  }

  /**
   * One tool call: the arguments are checked against the tool's input schema, then the policy
   * decision point (decideAction) decides — deny: the call is a journaled step that fails with
   * POLICY_DENIED, audited, and the error goes back to the model (the run carries on);
   * require_approval: an approval step first (the run parks until a human decides; rejected →
   * APPROVAL_REJECTED); allow (autonomous agents' external and realWorld calls audited). Then
   * the call is a journaled step: executed once, replayed on a redelivery.
   */
  private async callTool(artifact: Artifact, tools: Map<string, Tool>, call: Call, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps, log: ToolCallRecord[], identity: RunIdentity): Promise<string> {
    const { name, args } = call;
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
    const policy = decideAction({ policy: artifact.policy, tool: { name, scope: spec.scope, builtin: spec.builtin, requiresApproval: spec.requiresApproval }, arguments: args });
    this.metrics.policyDecisions.inc({ decision: policy.decision, rule: ruleKind(policy.rule) });
    if (policy.decision === 'deny') return this.denied(artifact, tool, call, policy, ctx, steps, record, identity);
    if (policy.decision === 'require_approval') {
      await this.approval(artifact, { kind: 'tool_call', name, tool: name, argumentsJson: JSON.stringify(args), risk: policy.risk, rule: policy.rule, reason: call.reason }, ctx, steps, identity, path);
    }
    const audited = policy.decision === 'allow' && artifact.policy.autonomyLevel === 'autonomous' && policy.risk !== 'internal';
    let reason = 'replayed';
    const outcome = await steps.step('tool', name, { tool: name, arguments: args }, async (stepId) => {
      // Before the effect: an autonomous agent's outward action is never made unaudited (a failed record hands the run back).
      if (audited) await this.audit.record(this.auditEntry('policy.allowed', 'success', stepId, ctx, identity, { tool: name, rule: policy.rule, risk: policy.risk, reason: call.reason }));
      const platformOutage: { error?: unknown } = {};
      let result: string;
      try {
        // The step id is the idempotency key of whatever the call does outside (see README "Guarantees").
        result = JSON.stringify(await tool.invoke(args, { ...ctx, stepId, platformOutage }));
      } catch (error) {
        if (platformOutage.error === undefined) {
          reason = error instanceof SandboxError ? error.reason : 'threw';
          throw new StepFailure(error instanceof Error ? error.message : String(error), error);
        }
        result = '';
      }
      // The platform (memory, secrets) was away during the call: whatever the tool made of that
      // error, its outcome is not stored — not a StepFailure, so the step stays started and the
      // run is handed back (UNAVAILABLE); the next delivery runs the step again with the same id.
      if (platformOutage.error !== undefined) {
        const cause = toAppError(platformOutage.error);
        throw new AppError(ErrorCode.Unavailable, `tool "${name}": the platform was unavailable during the call (${cause.code}: ${cause.message}); the step runs again`, { path, cause: platformOutage.error });
      }
      return result;
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

  /**
   * A denied call: a journaled step (so a replay is exact) that records `policy.denied` in the
   * audit trail (event id `policy.denied:<stepId>`) and ends with the tool error POLICY_DENIED,
   * which goes back to the model as the call's result — the run carries on.
   */
  private async denied(artifact: Artifact, tool: Tool, call: Call, policy: ActionDecision, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps, record: (resultJson: string, error: string) => void, identity: RunIdentity): Promise<string> {
    const message = `${ErrorCode.PolicyDenied}: ${artifact.policy.autonomyLevel} agent may not call "${call.name}" (${policy.risk} scope; rule ${policy.rule})`;
    const outcome = await steps.step('tool', call.name, { tool: call.name, arguments: call.args, denied: policy.rule }, async (stepId) => {
      await this.audit.record(this.auditEntry('policy.denied', 'denied', stepId, ctx, identity, { tool: call.name, rule: policy.rule, risk: policy.risk, reason: call.reason }));
      throw new StepFailure(message);
    });
    record('', outcome.error);
    this.metrics.toolCalls.inc({ kind: tool.kind, outcome: 'denied' });
    return JSON.stringify({ error: outcome.error, code: ErrorCode.PolicyDenied });
  }

  /**
   * Waits for a human: an approval step whose first execution opens an escalation with the
   * governance service (idempotency key = the step id) and parks the run (RunParked ends this
   * delivery). On the resumed run the step replays the stored decision: approved → returns,
   * rejected → APPROVAL_REJECTED with the decider and reason.
   */
  private async approval(
    artifact: Artifact,
    action: { kind: 'tool_call' | 'low_confidence'; name: string; tool: string; argumentsJson: string; risk: string; rule: string; reason: string; detailsJson?: string },
    ctx: Omit<ToolContext, 'stepId'>,
    steps: RunSteps,
    identity: RunIdentity,
    path: string,
  ): Promise<void> {
    const tenantId = ctx.tenantId as TenantId;
    const outcome = await steps.approval(action.name, { kind: action.kind, tool: action.tool, arguments: action.argumentsJson, rule: action.rule, risk: action.risk }, async (stepId, seq): Promise<ApprovalOpening> => {
      const opened = await identity.dependency(`open escalation ${stepId}`, () =>
        this.escalations.open(tenantId, {
          idempotencyKey: stepId,
          kind: action.kind,
          runId: ctx.runId,
          stepId,
          agent: ctx.agent,
          version: identity.version,
          tool: action.tool,
          argumentsJson: action.argumentsJson,
          risk: action.risk,
          rule: action.rule,
          reason: action.reason,
          // A run without a known submitter (none was recorded) still waits for an approver: never for nobody.
          requestedBy: identity.requestedBy || 'unknown',
          requiredPermission: action.risk === 'realWorld' ? 'ApproveRealWorld' : 'ApproveActions',
          ...(artifact.policy.approval ? { policy: { quorum: artifact.policy.approval.quorum ?? 0, levels: (artifact.policy.approval.levels ?? []).map((l) => ({ roles: l.roles, deadlineSeconds: l.deadlineSeconds })) } } : {}),
          detailsJson: action.detailsJson ?? '',
        }),
      );
      const escalationId = opened.escalation?.id;
      if (!escalationId) throw new AppError(ErrorCode.Unavailable, `the governance service opened no escalation for step ${stepId}`);
      const parked = await identity.dependency(`park run ${ctx.runId}`, () =>
        this.escalations.park(tenantId, { runId: ctx.runId, seq, escalationId, attempt: identity.attempt, workerId: identity.workerId, reason: `${action.rule}: ${action.tool || action.kind}` }),
      );
      const status = parked.run?.status ?? '';
      if (status === 'waiting') {
        this.metrics.runsParked.inc({ kind: action.kind });
        return { parked: true, escalationId };
      }
      return status === 'running' || status === 'queued' ? { parked: false } : { parked: false, cancelled: true };
    });
    const decision = parseDecision(outcome.resultJson);
    if (outcome.replayed && !outcome.error) this.metrics.approvalsReplayed.inc({ decision: decision?.decision ?? 'unreadable' });
    if (decision?.decision === 'approved') return;
    const message = decision?.message || `escalation ${decision?.escalationId ?? '?'} was rejected by ${decision?.decidedBy || 'an approver'}${decision?.reason ? `: ${decision.reason}` : ''}`;
    throw new AppError(ErrorCode.ApprovalRejected, message, { path: action.kind === 'tool_call' ? path : '/spec/output/minConfidence', details: { stepId: outcome.stepId, ...(decision ? { escalationId: decision.escalationId, decidedBy: decision.decidedBy, reason: decision.reason } : {}) } });
  }

  /**
   * The final answer's confidence against output.minConfidence (decideConfidence): below it, a
   * restricted or supervised agent's answer waits for a human (an escalation of kind
   * low_confidence; approved → the run succeeds with it), a semi-autonomous or autonomous
   * agent's run fails with LOW_CONFIDENCE.
   */
  private async checkConfidence(artifact: Artifact, output: JsonValue, confidence: number | undefined, ctx: Omit<ToolContext, 'stepId'>, steps: RunSteps, identity: RunIdentity): Promise<void> {
    const minimum = artifact.output.minConfidence;
    const verdict = decideConfidence(artifact.policy.autonomyLevel, minimum, confidence);
    this.metrics.confidenceDecisions.inc({ decision: verdict.decision });
    if (verdict.decision === 'accept') return;
    const details = { confidence: confidence ?? null, minConfidence: minimum ?? null };
    if (verdict.decision === 'fail') {
      throw new AppError(ErrorCode.LowConfidence, `the answer's confidence ${confidence} is below the blueprint's output.minConfidence ${minimum}`, { path: '/spec/output/minConfidence', details });
    }
    await this.approval(
      artifact,
      { kind: 'low_confidence', name: 'output.minConfidence', tool: '', argumentsJson: JSON.stringify(output), risk: 'internal', rule: verdict.rule, reason: `confidence ${confidence} is below the minimum ${minimum}`, detailsJson: JSON.stringify(details) },
      ctx,
      steps,
      identity,
      '/spec/output/minConfidence',
    );
  }

  private auditEntry(action: 'policy.denied' | 'policy.allowed', outcome: 'denied' | 'success', stepId: string, ctx: Omit<ToolContext, 'stepId'>, identity: RunIdentity, details: Record<string, JsonValue>) {
    return {
      action,
      actor: 'system:worker',
      resourceType: 'run',
      resourceId: ctx.runId,
      outcome,
      tenantId: ctx.tenantId,
      eventId: `${action}:${stepId}`,
      details: { ...details, stepId, agent: ctx.agent, version: identity.version, requestedBy: identity.requestedBy },
    };
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

function parseDecision(json: string): ApprovalDecision | undefined {
  try {
    const value = JSON.parse(json) as Partial<ApprovalDecision> | null;
    return value && (value.decision === 'approved' || value.decision === 'rejected') ? (value as ApprovalDecision) : undefined;
  } catch {
    return undefined;
  }
}

function describe(violations: { path: string; message: string }[]): string {
  return violations
    .slice(0, 5)
    .map((v) => `${v.path} ${v.message}`)
    .join('; ');
}

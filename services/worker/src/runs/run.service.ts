import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { consumers, type ExecuteRun, type TenantId } from '@af/contracts';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { MESSAGING_OPTIONS, MessageBus, type MessagingOptions } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import type { JsonValue } from '../artifacts/artifact.js';
import { ArtifactRepository } from '../artifacts/artifact.repository.js';
import { FETCH_BUDGET_LIMITS, RunFetchBudget, type FetchBudgetLimits } from '../tools/fetch-budget.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { StepJournalRepository } from '../journal/step-journal.repository.js';
import { RunParked, RunSteps, RunStopped, type DependencyCall } from '../journal/run-steps.js';
import { isDependencyFailure, withDependencyRetry, type DependencyRetryOptions } from '../journal/dependency-retry.js';
import { AgentExecutor, ExecutionError, type RunUsage, type ToolCallRecord } from './agent-executor.js';
import { RUN_EVENT_LIMITS, boundFailed, boundSucceeded, boundedOutputJson, textPreview, type RunEventLimits } from './run-event.limits.js';

/** After this many deliveries the transport gives up on a message and dead-letters it. */
export const MAX_DELIVER = consumers['worker-runs'].maxDeliver;

/** How long a run retries a dependency in process before it is handed back (WORKER_DEPENDENCY_RETRY_MS). */
export const DEPENDENCY_RETRY = Symbol('DEPENDENCY_RETRY');

@Injectable()
export class RunService {
  constructor(
    private readonly artifacts: ArtifactRepository,
    private readonly executor: AgentExecutor,
    private readonly journal: StepJournalRepository,
    private readonly bus: MessageBus,
    private readonly metrics: WorkerMetrics,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RUN_EVENT_LIMITS) private readonly limits: RunEventLimits,
    @Inject(FETCH_BUDGET_LIMITS) private readonly fetchLimits: FetchBudgetLimits,
    @Inject(DEPENDENCY_RETRY) private readonly dependencyRetry: DependencyRetryOptions,
    @Optional() private readonly redaction: SecretRedaction = new SecretRedaction(),
  ) {}

  /**
   * One delivery of a run (below), with the run's secret redaction open meanwhile: the values its
   * tool calls resolve are hidden in its events and in every log line until it ends.
   */
  async execute(tenantId: TenantId, run: ExecuteRun, deliveryCount: number, signal?: AbortSignal): Promise<void> {
    this.redaction.open(run.runId);
    try {
      return await this.executeOnce(tenantId, run, deliveryCount, signal);
    } finally {
      this.redaction.close(run.runId);
    }
  }

  /**
   * Executes one delivery of a run. The outcome is published as RunSucceeded/RunFailed (msgId
   * `run-finished:<runId>`, so a redelivery after a crash is stored once) and the message is then
   * acked. Calls to a dependency (the artifact, the step journal, the outcome event) are retried in
   * process while it is away (UNAVAILABLE/TIMEOUT), up to WORKER_DEPENDENCY_RETRY_MS, with the
   * message kept in progress: a finished step's result is stored late rather than the step run
   * again. A dependency failure never fails the run: past the deadline it throws UNAVAILABLE (nak
   * with delay, the run resumes from the journal); after MaxDeliver deliveries the transport
   * dead-letters it, and a dead letter can be retried — a final `failed` would not.
   * Events are bounded (run-event.limits.ts): previews of long fields, and an output over the
   * limit fails the run with PAYLOAD_TOO_LARGE at `/output` — permanent, so never retried.
   *
   * Every model and tool call goes through the run's step journal (RunSteps): a redelivery
   * replays the steps an earlier delivery completed. A run that was cancelled (or is already
   * final) stops before its next step and nothing is reported; a run handed back at shutdown
   * (`signal` aborted) stops the same way and throws HANDED_BACK so the transport naks it at once.
   * An artifact this tenant does not have is a permanent error thrown to the transport (terminated
   * and dead-lettered), before anything is reported for the run.
   *
   * A call the policy says needs approval parks the run (RunParked): nothing is reported, the
   * message is acked and the slot freed; the orchestrator re-queues the run once the escalation is
   * decided. Governance unreachable → UNAVAILABLE like any dependency (handed back, retried) —
   * never an unapproved call.
   */
  private async executeOnce(tenantId: TenantId, run: ExecuteRun, deliveryCount: number, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const dependency: DependencyCall = (what, call) => withDependencyRetry(what, call, this.dependencyRetry, this.logger, signal);
    const artifact = await dependency(`artifact ${run.artifactHash}`, () => this.artifacts.get(tenantId, run.artifactHash)).catch((error: unknown) => {
      // Unknown to this tenant: no delivery can ever run it — permanent, thrown to the transport.
      if (toAppError(error).code === ErrorCode.NotFound) throw error;
      return toAppError(error);
    });
    // A read-only memory agent's run is not remembered at all (memory skips its events).
    const memoryReadOnly = !(artifact instanceof AppError) && artifact.context?.memory?.readOnly === true;
    // RunStarted is stored while the first steps run (its JetStream ack is not waited for here: one
    // round trip less on every run's latency) and waited for before the outcome is published — a
    // run's started event is always stored before its outcome, and one that cannot be stored (the
    // broker away past the retry deadline) hands the run back like any dependency. Nothing else
    // depends on it: each step's begin reads the run's status from the orchestrator itself.
    const startedStored = dependency(`publish RunStarted ${run.runId}`, () => this.bus.publish(
      'af.v1.runs.event.started',
      { runId: run.runId, attempt: deliveryCount, workerId: this.messaging.instanceId, atMs: BigInt(Date.now()), agent: run.agent, version: run.version, memoryReadOnly },
      { msgId: `run-started:${run.runId}:${deliveryCount}`, tenantId },
    ));
    // Observed below on every path that publishes an outcome; a run stopped or parked meanwhile leaves it to finish on its own.
    startedStored.catch(() => undefined);
    let toolCalls: ToolCallRecord[] = [];
    let usage: RunUsage | undefined;
    try {
      const input = parseInput(run.inputJson);
      if (artifact instanceof AppError) throw artifact;
      const steps = new RunSteps(this.journal, tenantId, run.runId, deliveryCount, this.messaging.instanceId, signal, dependency);
      const execution = await this.executor.execute(
        artifact,
        input,
        { tenantId, runId: run.runId, agent: run.agent || artifact.blueprint.name, artifactHash: artifact.hash, fetchBudget: new RunFetchBudget(this.fetchLimits) },
        steps,
        { requestedBy: run.requestedBy, version: run.version || artifact.blueprint.version, attempt: deliveryCount, workerId: this.messaging.instanceId, dependency },
      );
      toolCalls = execution.toolCalls;
      const outputJson = boundedOutputJson(execution.output, this.limits);
      const bounded = boundSucceeded(run.inputJson, outputJson, execution.toolCalls, this.limits);
      const succeeded = () => this.bus.publish(
        'af.v1.runs.event.succeeded',
        this.redaction.redactDeep(run.runId, {
          runId: run.runId,
          attempt: deliveryCount,
          outputJson,
          toolCalls: bounded.toolCalls,
          usage: { ...execution.usage },
          atMs: BigInt(Date.now()),
          agent: run.agent,
          version: run.version,
          inputJson: bounded.inputJson,
          truncated: bounded.truncated,
          memoryReadOnly,
        }),
        { msgId: `run-finished:${run.runId}`, tenantId },
      );
      // Still not stored past the deadline: handed back below; the redelivery replays every step.
      await startedStored;
      await dependency(`publish RunSucceeded ${run.runId}`, succeeded);
      this.finished('succeeded', started);
      this.logger.info({ runId: run.runId, agent: run.agent, version: run.version, toolCalls: toolCalls.length, ms: performance.now() - started }, 'run succeeded');
    } catch (error) {
      if (error instanceof RunStopped) return this.stopped(error, run, started);
      if (error instanceof RunParked) return this.parked(error, started);
      if (error instanceof ExecutionError) {
        toolCalls = error.toolCalls;
        // What the calls before the failure cost (shown on the failed run; budgets were settled with it).
        if (error.usage.calls.length > 0) usage = error.usage;
      }
      const appError = toAppError(error);
      if (isDependencyFailure(appError)) {
        // A dependency outage never fails a run: handed back (nak with delay), resumed from the journal.
        this.logger.warn({ runId: run.runId, code: appError.code, deliveryCount, maxDeliver: MAX_DELIVER }, `run handed back, a dependency is away: ${textPreview(appError.message, 1_024).value}`);
        throw new AppError(ErrorCode.Unavailable, appError.message, { path: appError.path, cause: error });
      }
      if (appError.code === ErrorCode.Internal) this.logger.error({ err: error, runId: run.runId }, 'run failed with an internal error');
      const bounded = boundFailed(appError, toolCalls, this.limits);
      await startedStored.catch((unstored: unknown) => {
        throw new AppError(ErrorCode.Unavailable, `run handed back: its RunStarted could not be stored (${toAppError(unstored).message})`, { cause: unstored });
      });
      const failed = () => this.bus.publish(
        'af.v1.runs.event.failed',
        this.redaction.redactDeep(run.runId, {
          runId: run.runId,
          attempt: deliveryCount,
          error: { code: appError.code, message: bounded.message, path: appError.path ?? '', detailsJson: bounded.detailsJson },
          atMs: BigInt(Date.now()),
          agent: run.agent,
          version: run.version,
          truncated: bounded.truncated,
          memoryReadOnly,
          ...(usage ? { usage: { ...usage } } : {}),
        }),
        { msgId: `run-finished:${run.runId}`, tenantId },
      );
      await dependency(`publish RunFailed ${run.runId}`, failed);
      this.finished(appError.code, started);
      this.logger.info({ runId: run.runId, agent: run.agent, code: appError.code, path: appError.path, deliveryCount }, `run failed: ${textPreview(appError.message, 1_024).value}`);
    }
  }

  /** Cancelled: the orchestrator recorded it, nothing to report (the message is acked). Shutdown: handed back. */
  private stopped(stop: RunStopped, run: ExecuteRun, started: number): void {
    if (stop.reason === 'shutdown') {
      this.logger.info({ runId: run.runId, beforeStep: stop.beforeSeq }, 'run handed back at shutdown; another worker resumes it from the journal');
      throw new AppError(ErrorCode.Unavailable, stop.message, { details: { handedBack: true } });
    }
    this.finished('cancelled', started);
    this.logger.info({ runId: run.runId, beforeStep: stop.beforeSeq }, 'run stopped: cancelled (or already final)');
  }

  /**
   * Parked on an escalation: the orchestrator has the run `waiting`; this delivery ends without an
   * outcome — the message is acked and the slot freed (no worker waits for a human). The decision
   * re-queues the run, and its next delivery replays the journal up to the approval step.
   */
  private parked(parked: RunParked, started: number): void {
    this.finished('parked', started);
    this.logger.info({ runId: parked.runId, stepId: parked.stepId, escalationId: parked.escalationId }, 'run parked: waiting for an escalation; slot freed');
  }

  private finished(outcome: string, started: number): void {
    this.metrics.runs.inc({ outcome });
    this.metrics.runDuration.observe({ outcome }, (performance.now() - started) / 1000);
  }
}

function parseInput(json: string): JsonValue {
  try {
    return JSON.parse(json || '{}') as JsonValue;
  } catch {
    throw new AppError(ErrorCode.InvalidDocument, 'run input is not valid JSON', { path: '/input' });
  }
}

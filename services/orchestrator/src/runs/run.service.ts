import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type {
  CancelRunRequest,
  ListRunsReplySchema,
  InFlightByVersionReplySchema,
  InFlightByVersionRequest,
  ListRunsRequest,
  ListRunTransitionsReplySchema,
  ListRunTransitionsRequest,
  ParkRunRequest,
  RunCancelled,
  RunFailed,
  RunSchema,
  RunStarted,
  RunSucceeded,
  SubmitRunReplySchema,
  SubmitRunRequest,
  TenantId,
} from '@af/contracts';
import { contentHashOf } from '@af/blueprint-format';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, RequestContext, currentTraceId, type Logger } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { RunIntake } from './run-intake.js';
import { routeRun } from './canary-routing.js';
import { Dispatcher } from '../dispatch/dispatch.service.js';
import { RunRepository, type SettleResult, type TransitionChange, type TransitionResult } from './run.repository.js';
import { CANCELLABLE_STATUSES, isFinalStatus, isRunStatus, type RunStatus } from './run-lifecycle.js';
import type { JsonValue, RunEntity, RunPriority } from '../persistence/run.entity.js';
import type { RunTransitionEntity } from '../persistence/run-transition.entity.js';

/** A `\u0000` escape in JSON text (an odd run of backslashes before it: `\\u0000` is a backslash and text). */
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;
const AGENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** RFC 9110 token-ish: 1–255 printable ASCII characters (space through tilde). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const PRIORITIES: readonly RunPriority[] = ['high', 'normal', 'low'];
/** Transitions returned per transitions.list call (a follower asks again with after_seq). */
const TRANSITIONS_PAGE = 500;
const DEFAULT_LIST_LIMIT = 20;
const MAX_REASON_CHARS = 1000;
/** SubmitRunRequest.trigger: "api" ('' means it), or "<kind>:<trigger id>" set by the triggers service. */
const TRIGGER = /^(api|(schedule|event|webhook):[A-Za-z0-9][A-Za-z0-9_.:-]{0,127})$/;

@Injectable()
export class RunService {
  private readonly submitted: Counter<'agent' | 'canary'>;
  private readonly finished: Counter<'status'>;
  private readonly transitions: Counter<'to'>;
  private readonly cancellations: Counter;
  private readonly replays: Counter;
  private readonly queueTime: Histogram;
  private readonly runDuration: Histogram<'status'>;
  private readonly parked: Counter<'outcome'>;
  private readonly resumed: Counter<'decision'>;

  constructor(
    private readonly runs: RunRepository,
    private readonly deployments: ActiveDeploymentRepository,
    private readonly bus: MessageBus,
    private readonly dispatcher: Dispatcher,
    private readonly intake: RunIntake,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.submitted = metrics.counter('af_runs_submitted_total', 'Runs accepted for execution, by agent and whether they were routed to a canary', ['agent', 'canary']);
    this.finished = metrics.counter('af_runs_finished_total', 'Runs that reached a final status', ['status']);
    this.transitions = metrics.counter('af_run_transitions_total', 'Stored run transitions, by the status entered (runs by status)', ['to']);
    this.cancellations = metrics.counter('af_runs_cancelled_total', 'Runs cancelled by a caller');
    this.replays = metrics.counter('af_runs_submit_replayed_total', 'Submissions answered with the run an earlier one with the same Idempotency-Key created');
    const seconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
    this.queueTime = metrics.histogram('af_run_queue_seconds', 'Time from submission to the first start (queued → running)', [], seconds);
    this.runDuration = metrics.histogram('af_run_duration_seconds', 'Time from the first start to a final status', ['status'], seconds);
    this.parked = metrics.counter('af_runs_parked_total', 'Park requests of workers (a run waiting for an escalation), by outcome: parked, already, decided (the decision came first), refused', ['outcome']);
    this.resumed = metrics.counter('af_runs_resumed_total', 'Waiting runs moved on by an escalation decision: approved (re-queued) or rejected (failed)', ['decision']);
  }

  /**
   * No active deployment (a KV miss, off the hot path): ask the blueprints service why, so the
   * caller learns whether the agent does not exist (NOT_FOUND), is archived (ARCHIVED) or was
   * never deployed or was deactivated (NOT_DEPLOYED). If blueprints cannot answer, NOT_DEPLOYED.
   */
  private async whyNotDeployed(tenantId: TenantId, agent: string): Promise<AppError> {
    const notDeployed = new AppError(ErrorCode.NotDeployed, `agent "${agent}" has no active deployment; deploy it first`, { path: '/agent' });
    try {
      const { blueprint } = await this.bus.request('af.v1.blueprints.get', { name: agent, version: 0 }, { tenantId });
      if (blueprint?.archivedAt) {
        return new AppError(ErrorCode.Archived, `agent "${agent}" is archived (since ${blueprint.archivedAt}); restore its blueprint and deploy it again to run it`, { path: '/agent' });
      }
      return notDeployed;
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.NotFound) return AppError.notFound(`agent "${agent}"`, '/agent');
      this.logger.warn({ err: error, agent }, 'could not ask the blueprints service why the agent is not deployed');
      return notDeployed;
    }
  }

  /** Records the run as queued on the agent's active version, then hands it to the work queue. */
  async submit(tenantId: TenantId, request: SubmitRunRequest): Promise<MessageInitShape<typeof SubmitRunReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    let input: unknown;
    try {
      input = JSON.parse(request.inputJson || '{}');
    } catch {
      throw new AppError(ErrorCode.InvalidDocument, 'input is not valid JSON', { path: '/input' });
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw AppError.invalid('input must be a JSON object', '/input');
    }
    // PostgreSQL's jsonb cannot hold U+0000: refused here (400) rather than failing the insert.
    if (NUL_ESCAPE.test(request.inputJson)) throw AppError.invalid('input must not contain the character U+0000 (\\u0000)', '/input');
    const priority = request.priority || 'normal';
    if (!(PRIORITIES as readonly string[]).includes(priority)) throw AppError.invalid(`priority must be one of ${PRIORITIES.join(', ')}`, '/priority');
    const key = request.idempotencyKey;
    if (key && !IDEMPOTENCY_KEY.test(key)) throw AppError.invalid('Idempotency-Key must be 1 to 255 printable ASCII characters', '/idempotencyKey');
    const trigger = request.trigger || 'api';
    if (!TRIGGER.test(trigger)) throw AppError.invalid('trigger must be "api" or "schedule:<id>", "event:<id>", "webhook:<id>" (at most 128 characters of A-Z a-z 0-9 _ . : -)', '/trigger');
    const active = await this.deployments.find(tenantId, request.agent);
    if (!active) throw await this.whyNotDeployed(tenantId, request.agent);

    const runId = randomUUID();
    // Routed once, by run id (a canary takes its percentage), and pinned: every attempt, redelivery and
    // resume of the run executes this artifact (the dispatcher reads it from the run, never the registry).
    const route = routeRun(active, runId);
    const correlationId = RequestContext.current()?.correlationId ?? RequestContext.newCorrelationId();
    // Admission (a tenant with too many runs waiting for dispatch gets 429, nothing recorded), the
    // Idempotency-Key and the run with its first transition: one transaction, shared with the
    // submissions of this tenant that arrive meanwhile (group commit, run-intake.ts).
    const created = await this.intake.submit(tenantId, {
      run: {
        id: runId,
        agent: request.agent,
        version: route.version,
        artifactHash: route.artifactHash,
        deploymentId: route.deploymentId,
        canary: route.canary,
        trigger,
        input,
        traceId: currentTraceId() ?? '',
        correlationId,
        priority: priority as RunPriority,
        requestedBy: request.caller?.subject ?? '',
      },
      inputJson: request.inputJson || '{}',
      ...(key ? { idempotency: { key, requestHash: contentHashOf({ agent: request.agent, input, priority }) } } : {}),
    });
    if (created.kind === 'key-reused') {
      throw new AppError(ErrorCode.IdempotencyKeyReused, `Idempotency-Key "${key}" was used for a different request (run ${created.runId}); use a new key for a new request`, { path: '/idempotencyKey' });
    }
    if (created.kind === 'replayed') {
      // The first submission queued it (or its outbox relay will): answer with that run.
      this.replays.inc();
      this.logger.info({ runId: created.run.id }, 'submission replayed by Idempotency-Key');
      return { runId: created.run.id, status: created.run.status, agent: created.run.agent, version: created.run.version, replayed: true, priority: created.run.priority };
    }
    this.transitions.inc({ to: 'queued' });
    // The run is recorded (the outbox): the dispatcher hands it to the work queue when its tenant has a free slot.
    this.dispatcher.trigger();
    this.submitted.inc({ agent: request.agent, canary: String(route.canary) });
    this.logger.info({ runId, agent: request.agent, version: route.version, deploymentId: route.deploymentId, canary: route.canary, trigger, priority }, 'run queued');
    return { runId, status: 'queued', agent: request.agent, version: route.version, replayed: false, priority };
  }

  /** The agent's runs not yet final (queued, running, waiting), per version and artifact: what still drains. */
  async inFlightByVersion(tenantId: TenantId, request: InFlightByVersionRequest): Promise<MessageInitShape<typeof InFlightByVersionReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    const rows = await this.runs.inFlightByVersion(tenantId, request.agent);
    return { items: rows.map((r) => ({ version: r.version, artifactHash: r.artifactHash, inFlight: BigInt(r.inFlight) })) };
  }

  async get(tenantId: TenantId, runId: string): Promise<MessageInitShape<typeof RunSchema>> {
    if (!UUID.test(runId)) throw AppError.notFound(`run ${runId}`, '/runId');
    const run = await this.runs.find(tenantId, runId);
    // Another tenant's run is indistinguishable from a missing one.
    if (!run) throw AppError.notFound(`run ${runId}`, '/runId');
    return toRunMessage(run);
  }

  /**
   * Moves a run along the lifecycle (run-lifecycle.ts) and stores the transition — the one way
   * to change a run's status, for this service and for the dispatch, dead-letter and reconciler
   * code. A refused move (a late or duplicate event) changes nothing and stores nothing.
   */
  async transition(tenantId: TenantId, runId: string, to: RunStatus, change: TransitionChange): Promise<TransitionResult> {
    return this.observe(to, await this.runs.transition(tenantId, runId, to, change));
  }

  /** Metrics and dispatch after a stored transition (every path that moves a run comes through here). */
  private observe(to: RunStatus, result: TransitionResult): TransitionResult {
    if (!result.moved) return result;
    this.transitions.inc({ to });
    const { run, from } = result;
    if (to === 'running' && from === 'queued' && run.attempts <= 1 && run.startedAt) {
      this.queueTime.observe(Math.max(0, run.startedAt.getTime() - run.createdAt.getTime()) / 1000);
    }
    if (isFinalStatus(to)) {
      // A finished run frees a slot of its tenant: dispatch the next one.
      this.dispatcher.trigger();
      this.finished.inc({ status: to });
      if (run.startedAt && run.finishedAt) this.runDuration.observe({ status: to }, Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()) / 1000);
    }
    // Parked: the run's slot is free for the tenant's next run. Re-queued: it waits for dispatch.
    if (to === 'waiting' || to === 'queued') this.dispatcher.trigger();
    return result;
  }

  /**
   * A worker parks a run on an escalation (its approval step `seq` begun, not completed): the run
   * goes to `waiting` with `waiting_for`, and holds no slot of its tenant meanwhile. Idempotent.
   * The reply is the run as it now is: `waiting` (the worker acks its message and frees its slot),
   * `running`/`queued` when the decision arrived first (the worker replays it and goes on), or a
   * cancelled/final status (the worker stops).
   */
  async park(tenantId: TenantId, request: ParkRunRequest): Promise<MessageInitShape<typeof RunSchema>> {
    if (!UUID.test(request.runId)) throw AppError.notFound(`run ${request.runId}`, '/runId');
    if (!Number.isInteger(request.seq) || request.seq < 1) throw AppError.invalid(`seq must be a positive integer, got ${request.seq}`, '/seq');
    if (!request.escalationId || request.escalationId.length > 200) throw AppError.invalid('escalationId is required (at most 200 characters)', '/escalationId');
    if (request.reason.length > MAX_REASON_CHARS) throw AppError.invalid(`reason must be at most ${MAX_REASON_CHARS} characters`, '/reason');
    const parked = await this.runs.park(tenantId, request.runId, request.seq, request.escalationId, {
      at: new Date(),
      attempt: request.attempt,
      workerId: request.workerId,
      reason: `waiting for escalation ${request.escalationId}${request.reason ? `: ${request.reason}` : ''}`,
    });
    switch (parked.kind) {
      case 'not-found':
        throw AppError.notFound(`run ${request.runId}`, '/runId');
      case 'no-step':
        throw new AppError(ErrorCode.PreconditionFailed, `run ${request.runId} has no begun approval step ${request.seq}`, { path: '/seq' });
      case 'parked':
        this.observe('waiting', parked.result);
        this.parked.inc({ outcome: 'parked' });
        this.logger.info({ runId: request.runId, escalationId: request.escalationId, seq: request.seq }, 'run parked: waiting for an escalation');
        return toRunMessage(parked.result.run);
      default:
        this.parked.inc({ outcome: parked.kind });
        this.logger.info({ runId: request.runId, escalationId: request.escalationId, outcome: parked.kind, status: parked.run.status }, 'run not parked');
        return toRunMessage(parked.run);
    }
  }

  /**
   * An escalation's decision for the run waiting on approval step `seq`: the step is completed
   * with `decision` (what the resumed run replays) and the run is re-queued (approved: a new
   * dispatch, the dispatcher's rules apply) or failed with APPROVAL_REJECTED (rejected). Idempotent.
   */
  async settleApproval(
    tenantId: TenantId,
    settle: { runId: string; seq: number; escalationId: string; decision: JsonValue; approved: boolean; failure?: { message: string } },
  ): Promise<SettleResult> {
    const at = new Date();
    const to = settle.approved ? 'queued' : 'failed';
    const change: TransitionChange = settle.approved
      ? { at, reason: `escalation ${settle.escalationId} approved: re-queued` }
      : {
          at,
          reason: (settle.failure?.message ?? `escalation ${settle.escalationId} rejected`).slice(0, MAX_REASON_CHARS),
          code: ErrorCode.ApprovalRejected,
          set: { output: null, error: { code: ErrorCode.ApprovalRejected, message: settle.failure?.message ?? 'rejected', path: '/escalation' }, toolCalls: null, usage: null },
        };
    const result = await this.runs.settleApproval(tenantId, settle.runId, settle.seq, settle.escalationId, JSON.stringify(settle.decision), to, change);
    this.observe(to, result.transition);
    if (result.transition.moved) this.resumed.inc({ decision: settle.approved ? 'approved' : 'rejected' });
    return result;
  }

  async onStarted(tenantId: TenantId, event: RunStarted): Promise<void> {
    const result = await this.transition(tenantId, event.runId, 'running', {
      at: new Date(Number(event.atMs)),
      attempt: event.attempt,
      workerId: event.workerId,
      reason: `attempt ${event.attempt} started on worker ${event.workerId || '?'}`,
    });
    this.logger.info({ runId: event.runId, attempt: event.attempt, moved: result.moved }, 'run started');
  }

  async onSucceeded(tenantId: TenantId, event: RunSucceeded): Promise<void> {
    // Calls may be previews (truncated: arguments/result then hold a JSON string); stored as received.
    const toolCalls = event.toolCalls.map((c) => ({ tool: c.tool, argumentsJson: c.argumentsJson, resultJson: c.resultJson, durationMs: c.durationMs, error: c.error, ...(c.truncated ? { truncated: true } : {}) }));
    const usage = storedUsage(event.usage);
    const result = await this.transition(tenantId, event.runId, 'succeeded', {
      at: new Date(Number(event.atMs)),
      attempt: event.attempt,
      reason: `attempt ${event.attempt} succeeded`,
      set: { output: JSON.parse(event.outputJson || 'null') as JsonValue as object, error: null, toolCalls, usage },
    });
    this.logger.info({ runId: event.runId, moved: result.moved }, 'run succeeded');
  }

  async onFailed(tenantId: TenantId, event: RunFailed): Promise<void> {
    const error = {
      code: event.error?.code ?? ErrorCode.Internal,
      message: event.error?.message ?? 'run failed',
      ...(event.error?.path ? { path: event.error.path } : {}),
      // What the failure names (e.g. BUDGET_EXCEEDED: the budget and the estimate); bounded by the worker's event limits.
      ...(event.error?.detailsJson ? { detailsJson: event.error.detailsJson } : {}),
      ...(event.truncated ? { truncated: true } : {}),
    };
    const result = await this.transition(tenantId, event.runId, 'failed', {
      at: new Date(Number(event.atMs)),
      attempt: event.attempt,
      reason: `attempt ${event.attempt} failed: ${error.message.slice(0, 200)}`,
      code: error.code,
      // What the model calls before the failure cost (RunFailed.usage), like a succeeded run's.
      set: { output: null, error, toolCalls: null, usage: storedUsage(event.usage) },
    });
    this.logger.info({ runId: event.runId, moved: result.moved, code: error.code }, 'run failed');
  }

  /** Our own RunCancelled coming back through the events consumer: cancel() already applied it. */
  onCancelled(_tenantId: TenantId, event: RunCancelled): void {
    this.logger.debug({ runId: event.runId }, 'run cancellation event seen (already applied)');
  }

  /**
   * A caller stops a queued, running or waiting run: stored as cancelled (workers read it before
   * each step and stop), then announced as RunCancelled. A final run answers CONFLICT with its status.
   */
  async cancel(tenantId: TenantId, request: CancelRunRequest): Promise<MessageInitShape<typeof RunSchema>> {
    if (!UUID.test(request.runId)) throw AppError.notFound(`run ${request.runId}`, '/runId');
    if (request.reason.length > MAX_REASON_CHARS) throw AppError.invalid(`reason must be at most ${MAX_REASON_CHARS} characters`, '/reason');
    const by = request.caller?.subject || 'unknown';
    const at = new Date();
    const result = await this.transition(tenantId, request.runId, 'cancelled', { at, reason: `cancelled by ${by}${request.reason ? `: ${request.reason}` : ''}`, code: '' });
    if (!result.moved) {
      if (!result.current) throw AppError.notFound(`run ${request.runId}`, '/runId');
      const status = result.current.status;
      throw new AppError(ErrorCode.Conflict, `run ${request.runId} is ${status}: only a ${CANCELLABLE_STATUSES.join(', ')} run can be cancelled`, { path: '/runId', details: { status } });
    }
    this.cancellations.inc();
    const run = result.run;
    try {
      await this.bus.publish(
        'af.v1.runs.event.cancelled',
        { runId: run.id, reason: request.reason, atMs: BigInt(at.getTime()), agent: run.agent, version: run.version, cancelledBy: by },
        { msgId: `run-cancelled:${run.id}`, tenantId },
      );
    } catch (error) {
      // The cancellation is stored: workers see it in the journal before their next step.
      this.logger.warn({ err: error, runId: run.id }, 'run cancelled, but the RunCancelled event could not be published');
    }
    this.logger.info({ runId: run.id, by, from: result.from }, 'run cancelled');
    return toRunMessage(run);
  }

  /** A run's history, oldest first, after `afterSeq`. Another tenant's run is NOT_FOUND. */
  async listTransitions(tenantId: TenantId, request: ListRunTransitionsRequest): Promise<MessageInitShape<typeof ListRunTransitionsReplySchema>> {
    if (!UUID.test(request.runId)) throw AppError.notFound(`run ${request.runId}`, '/runId');
    if (request.afterSeq < 0) throw AppError.invalid('after_seq must be 0 or more', '/afterSeq');
    const run = await this.runs.find(tenantId, request.runId);
    if (!run) throw AppError.notFound(`run ${request.runId}`, '/runId');
    const items = await this.runs.listTransitions(tenantId, run.id, request.afterSeq, TRANSITIONS_PAGE);
    // `final` only once the follower has everything: a full page means more may follow.
    const final = isFinalStatus(run.status) && items.length < TRANSITIONS_PAGE;
    return { runId: run.id, status: run.status, final, items: items.map(toTransitionMessage) };
  }

  /** A tenant's runs, newest first, filtered, one keyset page. */
  async list(tenantId: TenantId, request: ListRunsRequest): Promise<MessageInitShape<typeof ListRunsReplySchema>> {
    if (request.agent && !AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent "${request.agent}" is not a DNS label`, '/agent');
    if (request.status && !isRunStatus(request.status)) throw AppError.invalid(`status must be one of queued, running, waiting, succeeded, failed, cancelled, dead_lettered`, '/status');
    let since: Date | undefined;
    if (request.since) {
      since = new Date(request.since);
      if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(request.since) || Number.isNaN(since.getTime())) {
        throw AppError.invalid('since must be an ISO-8601 date or date-time with a time zone, e.g. 2026-11-24T10:00:00Z', '/since');
      }
    }
    if (request.limit < 0 || request.limit > 100) throw AppError.invalid('limit must be from 1 to 100', '/limit');
    const limit = request.limit || DEFAULT_LIST_LIMIT;
    const before = request.cursor ? decodeCursor(request.cursor) : undefined;
    const page = await this.runs.list(tenantId, {
      ...(request.agent ? { agent: request.agent } : {}),
      ...(request.status ? { status: request.status as RunStatus } : {}),
      ...(since ? { since } : {}),
      ...(before ? { before } : {}),
      limit: limit + 1,
    });
    const items = page.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(({ run }) => toRunSummary(run)),
      nextCursor: page.length > limit && last ? encodeCursor({ createdUs: last.createdUs, id: last.run.id }) : '',
    };
  }
}

/** The keyset position as an opaque token: base64url of `<created_at µs>.<run id>`. */
function encodeCursor(position: { createdUs: string; id: string }): string {
  return Buffer.from(`${position.createdUs}.${position.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdUs: string; id: string } {
  const text = cursor.length <= 200 && /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^(\d{1,17})\.([0-9a-f-]{36})$/.exec(text);
  if (!match || !UUID.test(match[2]!)) throw AppError.invalid('cursor is not one this service issued (take next_cursor from the previous page)', '/cursor');
  return { createdUs: match[1]!, id: match[2]! };
}

function toTransitionMessage(t: RunTransitionEntity) {
  return { seq: t.seq, fromStatus: t.fromStatus ?? '', toStatus: t.toStatus, at: t.at.toISOString(), attempt: t.attempt, workerId: t.workerId, reason: t.reason, code: t.code };
}

function toRunSummary(run: RunEntity) {
  return {
    runId: run.id,
    agent: run.agent,
    version: run.version,
    status: run.status,
    priority: run.priority,
    attempts: run.attempts,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : '',
    errorCode: run.error?.code ?? '',
  };
}

function toRunMessage(run: RunEntity): MessageInitShape<typeof RunSchema> {
  return {
    runId: run.id,
    agent: run.agent,
    version: run.version,
    artifactHash: run.artifactHash,
    status: run.status,
    inputJson: JSON.stringify(run.input),
    outputJson: run.output === null || run.output === undefined ? '' : JSON.stringify(run.output),
    ...(run.error ? { error: { code: run.error.code, message: run.error.message, path: run.error.path ?? '', detailsJson: run.error.detailsJson ?? '' } } : {}),
    attempts: run.attempts,
    traceId: run.traceId,
    correlationId: run.correlationId,
    toolCalls: run.toolCalls ?? [],
    ...(run.usage ? { usage: run.usage } : {}),
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : '',
    priority: run.priority,
    startedAt: run.startedAt ? run.startedAt.toISOString() : '',
    workerId: run.workerId ?? '',
    requestedBy: run.requestedBy ?? '',
    waitingFor: run.status === 'waiting' ? (run.waitingFor ?? '') : '',
    trigger: run.trigger,
    deploymentId: run.deploymentId,
    canary: run.canary,
  };
}

/** A run event's model usage as the run record stores it (null when the event has none). */
function storedUsage(usage: RunSucceeded['usage']) {
  return usage
    ? {
        provider: usage.provider,
        model: usage.model,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd: usage.costUsd,
        // Every model call attempt (fallbacks, repairs and budget refusals included), as the worker reported them.
        cachedInputTokens: usage.cachedInputTokens,
        calls: usage.calls.map((c) => ({ route: c.route, outcome: c.outcome, inputTokens: c.inputTokens, outputTokens: c.outputTokens, cachedInputTokens: c.cachedInputTokens, costUsd: c.costUsd, durationMs: c.durationMs, error: c.error, stepId: c.stepId })),
      }
    : null;
}


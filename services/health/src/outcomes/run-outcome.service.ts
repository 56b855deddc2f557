import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AgentStatsReplySchema, AgentStatsRequest, TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { LOGGER, type Logger } from '@af/observability';
import { summarize, type Outcome, type VersionStatsView } from './outcome-stats.js';
import { MicroBatcher } from '@af/messaging';
import { RunOutcomeRepository, type OutcomeChange, type VersionKey, type WindowOptions } from './run-outcome.repository.js';

export const OUTCOME_OPTIONS = Symbol.for('af.health.outcomeOptions');

/** Most versions one stats request reads (each holds at most HEALTH_WINDOW_MAX_RUNS runs). */
export const MAX_VERSIONS_PER_AGENT = 50;
/** Most run events one Redis pipeline carries; the consumer handles twice as many at once (main.ts). */
export const OUTCOME_BATCH_SIZE = 100;
/** The run-outcome consumer handles a pipeline being written and the next one filling (the contract's default of 4 would cap each at 4). */
export const OUTCOME_CONSUMER_CONCURRENCY: Readonly<Record<string, number>> = { 'health-run-outcomes': OUTCOME_BATCH_SIZE * 2 };
const MAX_AGENT_NAME = 128;
const MAX_RUN_ID = 128;
const AGENT_NAME = /^[^|\s]+$/;

/** The run event fields the window needs (RunStarted, RunSucceeded, RunFailed, RunCancelled). */
export interface RunEventFacts {
  runId: string;
  agent: string;
  version: number;
  atMs: bigint;
}

/** Keeps each agent version's window of finished runs and answers its statistics. */
@Injectable()
export class RunOutcomeService {
  private readonly batcher: MicroBatcher<OutcomeChange>;

  constructor(
    private readonly outcomes: RunOutcomeRepository,
    @Inject(OUTCOME_OPTIONS) private readonly options: WindowOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.batcher = new MicroBatcher((changes) => this.outcomes.applyBatch(changes, this.options), { maxSize: OUTCOME_BATCH_SIZE });
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  async started(tenantId: TenantId, event: RunEventFacts): Promise<void> {
    const key = this.keyOf(tenantId, event);
    if (!key) return;
    await this.batcher.add({ kind: 'started', key, runId: event.runId, atMs: Number(event.atMs) });
  }

  /**
   * Idempotent: a redelivered event rewrites the run's one entry (a run finished before the
   * window is not counted). Written with the other events of its batch in one Redis pipeline.
   */
  async finished(tenantId: TenantId, outcome: Outcome, event: RunEventFacts, nowMs = Date.now()): Promise<void> {
    const key = this.keyOf(tenantId, event);
    if (!key) return;
    const finishedAtMs = Number(event.atMs) > 0 ? Number(event.atMs) : nowMs;
    await this.batcher.add({ kind: 'finished', key, runId: event.runId, outcome, atMs: finishedAtMs, nowMs });
  }

  /** Statistics of `versions` (or all of the agent's versions seen in the window) of the tenant's agent. */
  async stats(tenantId: TenantId, request: AgentStatsRequest, nowMs = Date.now()): Promise<MessageInitShape<typeof AgentStatsReplySchema>> {
    if (request.agent === '' || request.agent.length > MAX_AGENT_NAME || !AGENT_NAME.test(request.agent)) {
      throw new AppError(ErrorCode.InvalidArgument, `agent must be an agent name of 1 to ${MAX_AGENT_NAME} characters`, { path: '/agent' });
    }
    if (request.versions.length > MAX_VERSIONS_PER_AGENT) {
      throw new AppError(ErrorCode.InvalidArgument, `at most ${MAX_VERSIONS_PER_AGENT} versions per request (got ${request.versions.length})`, { path: '/versions' });
    }
    const views = await this.versionStats(tenantId, request.agent, Number(request.sinceMs), nowMs, request.versions);
    return {
      agent: request.agent,
      versions: views.map((v) => ({ ...v, lastFinishedMs: BigInt(v.lastFinishedMs), runs: BigInt(v.runs), succeeded: BigInt(v.succeeded), failed: BigInt(v.failed), probe: '' })),
      windowMs: BigInt(this.options.windowMs),
    };
  }

  /** The window's statistics of the tenant's agent versions (the window bounds `sinceMs`), newest version first. */
  async versionStats(tenantId: TenantId, agent: string | undefined, sinceMs: number, nowMs: number, only: readonly number[] = []): Promise<(VersionStatsView & { agent: string })[]> {
    const since = Math.max(sinceMs, nowMs - this.options.windowMs);
    let keys = await this.outcomes.versionsOf(tenantId, since, agent === undefined ? MAX_VERSIONS_PER_AGENT * 20 : MAX_VERSIONS_PER_AGENT * 4, agent);
    if (only.length > 0) keys = keys.filter((k) => only.includes(k.version));
    keys = keys.slice(0, agent === undefined ? MAX_VERSIONS_PER_AGENT * 20 : MAX_VERSIONS_PER_AGENT);
    const runs = await this.outcomes.runsOf(keys);
    return keys
      .map((key, i) => ({ agent: key.agent, ...summarize(key.version, runs[i] ?? [], since) }))
      .filter((v) => v.runs > 0)
      .sort((a, b) => a.agent.localeCompare(b.agent) || b.version - a.version);
  }

  /** Events without an agent and version (or with names the keys cannot hold) are not counted. */
  private keyOf(tenantId: TenantId, event: RunEventFacts): VersionKey | null {
    if (event.version <= 0 || event.agent === '' || event.agent.length > MAX_AGENT_NAME || !AGENT_NAME.test(event.agent) || event.runId === '' || event.runId.length > MAX_RUN_ID) {
      this.logger.debug({ runId: event.runId, agent: event.agent, version: event.version }, 'run event without a countable agent version: ignored');
      return null;
    }
    return { tenantId, agent: event.agent, version: event.version };
  }
}

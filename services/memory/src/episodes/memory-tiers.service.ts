import { Inject, Injectable } from '@nestjs/common';
import type { RunCancelled, RunFailed, RunStarted, RunSucceeded, TenantId } from '@af/contracts';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import type { JsonValue } from '../persistence/episode.entity.js';
import { WorkingMemoryRepository } from '../working-memory/working-memory.repository.js';
import type { NewEpisode } from './episode.repository.js';
import { EPISODES_OPTIONS, EpisodeService, type EpisodesOptions } from './episode.service.js';
import { KnownRunsRepository } from './known-runs.repository.js';

/** The memory tiers, one durable consumer each (@af/contracts `consumers`). */
export const MEMORY_TIERS = { 'memory-episodes': 'episodes', 'memory-graph': 'graph', 'memory-working': 'working' } as const;
export type MemoryTier = (typeof MEMORY_TIERS)[keyof typeof MEMORY_TIERS];

export type RunEvent =
  | { kind: 'started'; event: RunStarted }
  | { kind: 'succeeded'; event: RunSucceeded }
  | { kind: 'failed'; event: RunFailed }
  | { kind: 'cancelled'; event: RunCancelled };

type Finished = Omit<NewEpisode, 'summary'>;

/** A tier's failure is logged at most once per this window (the others are counted, and summed up in the next line). */
const LOG_WINDOW_MS = 10_000;

/**
 * Applies a run event to the one tier whose consumer delivered it: working memory (Redis) while a
 * run goes, the episode (PostgreSQL) and the run graph (Neo4j) once it ended. Each tier has its
 * own consumer, so Neo4j down delays only the graph: its consumer naks (UNAVAILABLE) and retries
 * while episodes keep being recorded. Every step is idempotent: a redelivery is harmless.
 */
@Injectable()
export class MemoryTiersService {
  private readonly failures: Counter<'tier' | 'code'>;
  private readonly lastLogged = new Map<MemoryTier, { at: number; suppressed: number }>();

  constructor(
    private readonly episodes: EpisodeService,
    private readonly graph: RunGraphRepository,
    private readonly working: WorkingMemoryRepository,
    private readonly runs: KnownRunsRepository,
    @Inject(EPISODES_OPTIONS) private readonly options: EpisodesOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.failures = metrics.counter('af_memory_tier_failures_total', 'Run events a memory tier could not apply (retried or dead-lettered), by tier and error code', ['tier', 'code']);
  }

  async apply(consumer: string | undefined, tenantId: TenantId, run: RunEvent): Promise<void> {
    const tier = consumer && Object.hasOwn(MEMORY_TIERS, consumer) ? MEMORY_TIERS[consumer as keyof typeof MEMORY_TIERS] : undefined;
    if (!tier) throw new AppError(ErrorCode.InvalidArgument, `run event delivered by ${consumer ?? 'no durable consumer'}, not by a memory tier`);
    if (!run.event.runId) throw AppError.invalid('run event without run id', '/runId');
    // A read-only memory agent (spec.context.memory.readOnly): nothing of its run is written to any tier.
    // (A cancelled run's event comes from the orchestrator, which does not know: its episode holds no input or output.)
    if (run.kind !== 'cancelled' && run.event.memoryReadOnly) return;
    try {
      switch (tier) {
        case 'working':
          return await this.applyWorking(tenantId, run);
        case 'episodes':
          return await this.applyEpisode(tenantId, run);
        case 'graph':
          return await this.applyGraph(tenantId, run);
      }
    } catch (error) {
      this.failed(tier, run, error);
      throw error;
    }
  }

  private async applyWorking(tenantId: TenantId, run: RunEvent): Promise<void> {
    const ttl = this.options.workingMemoryTtlSeconds;
    if (run.kind !== 'started') return this.working.finish(tenantId, run.event.runId, ttl);
    const e = run.event;
    await this.working.start(tenantId, e.runId, { attempt: e.attempt, workerId: e.workerId, startedAtMs: Number(e.atMs) || Date.now(), agent: e.agent }, ttl);
  }

  private async applyEpisode(tenantId: TenantId, run: RunEvent): Promise<void> {
    if (run.kind === 'started') return;
    const finished = finishedOf(run);
    await this.runs.requireRun(tenantId, finished.runId);
    await this.episodes.record(tenantId, finished);
  }

  private async applyGraph(tenantId: TenantId, run: RunEvent): Promise<void> {
    if (run.kind === 'started') return;
    const finished = finishedOf(run);
    const known = await this.runs.requireRun(tenantId, finished.runId);
    await this.graph.recordRun(tenantId, { runId: finished.runId, agent: finished.agent || known.agent, version: finished.version, outcome: finished.outcome, occurredAt: finished.occurredAt });
  }

  private failed(tier: MemoryTier, run: RunEvent, error: unknown): void {
    const appError = toAppError(error);
    this.failures.inc({ tier, code: appError.code });
    const now = Date.now();
    const last = this.lastLogged.get(tier);
    if (last && now - last.at < LOG_WINDOW_MS) {
      last.suppressed++;
      return;
    }
    this.lastLogged.set(tier, { at: now, suppressed: 0 });
    this.logger.warn(
      { tier, event: run.kind, runId: run.event.runId, code: appError.code, ...(last?.suppressed ? { suppressedSinceLastLine: last.suppressed } : {}) },
      `memory ${tier} tier could not apply a run ${run.kind} event: ${appError.message}`,
    );
  }
}

function finishedOf(run: Exclude<RunEvent, { kind: 'started' }>): Finished {
  const base = { runId: run.event.runId, agent: run.event.agent, version: run.event.version, occurredAt: eventTime(run.event.atMs) };
  switch (run.kind) {
    case 'succeeded':
      return { ...base, outcome: 'succeeded', attempt: run.event.attempt, input: parseJson(run.event.inputJson), output: parseJson(run.event.outputJson), error: null };
    case 'failed': {
      const e = run.event.error;
      const error = { code: e?.code || ErrorCode.Internal, message: e?.message || 'run failed', ...(e?.path ? { path: e.path } : {}) };
      return { ...base, outcome: 'failed', attempt: run.event.attempt, input: null, output: null, error };
    }
    case 'cancelled':
      return { ...base, outcome: 'cancelled', attempt: 0, input: null, output: null, error: { code: 'CANCELLED', message: run.event.reason || 'run cancelled' } };
  }
}

function parseJson(text: string): JsonValue | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function eventTime(atMs: bigint): Date {
  const ms = Number(atMs);
  return ms > 0 ? new Date(ms) : new Date();
}

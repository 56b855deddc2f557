import { Inject, Injectable } from '@nestjs/common';
import type { RunCancelled, RunFailed, RunStarted, RunSucceeded, TenantId } from '@af/contracts';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import type { JsonValue } from '../persistence/episode.entity.js';
import { WorkingMemoryRepository, type WorkingMemoryChange } from '../working-memory/working-memory.repository.js';
import type { NewEpisode } from './episode.repository.js';
import { EPISODES_OPTIONS, EpisodeService, type EpisodesOptions } from './episode.service.js';
import { KnownRunsRepository } from './known-runs.repository.js';
import { MicroBatcher, type ItemOutcome } from '@af/messaging';

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

interface TierItem {
  tenantId: TenantId;
  run: RunEvent;
}

/** A tier item whose run is final. */
interface FinishedItem {
  tenantId: TenantId;
  finished: Finished;
}

/**
 * Applies a run event to the one tier whose consumer delivered it: working memory (Redis) while a
 * run goes, the episode (PostgreSQL) and the run graph (Neo4j) once it ended. Each tier has its
 * own consumer, so Neo4j down delays only the graph: its consumer naks (UNAVAILABLE) and retries
 * while episodes keep being recorded. Each tier writes in batches (MicroBatcher): the events that
 * arrive while a write runs go together in the next one — one MULTI, one INSERT per tenant, one
 * Cypher UNWIND — and each message is acknowledged after its batch committed. Every step is
 * idempotent: a redelivery is harmless.
 */
@Injectable()
export class MemoryTiersService {
  private readonly failures: Counter<'tier' | 'code'>;
  private readonly batchSizes: Histogram<'tier'>;
  private readonly lastLogged = new Map<MemoryTier, { at: number; suppressed: number }>();
  private readonly batchers: Record<MemoryTier, MicroBatcher<TierItem>>;

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
    this.batchSizes = metrics.histogram('af_memory_tier_batch_size', 'Run events written by one batch of a memory tier', ['tier'], [1, 2, 5, 10, 20, 50, 100, 200, 500]);
    const batcher = (tier: MemoryTier, write: (items: TierItem[]) => Promise<ItemOutcome[]>) =>
      new MicroBatcher<TierItem>((items) => {
        this.batchSizes.observe({ tier }, items.length);
        return write(items);
      }, { maxSize: options.eventBatchSize });
    this.batchers = {
      working: batcher('working', (items) => this.writeWorking(items)),
      episodes: batcher('episodes', (items) => this.writeFinal(items, (group) => this.writeEpisodes(group))),
      graph: batcher('graph', (items) => this.writeFinal(items, (group) => this.writeGraph(group))),
    };
  }

  async apply(consumer: string | undefined, tenantId: TenantId, run: RunEvent): Promise<void> {
    const tier = consumer && Object.hasOwn(MEMORY_TIERS, consumer) ? MEMORY_TIERS[consumer as keyof typeof MEMORY_TIERS] : undefined;
    if (!tier) throw new AppError(ErrorCode.InvalidArgument, `run event delivered by ${consumer ?? 'no durable consumer'}, not by a memory tier`);
    if (!run.event.runId) throw AppError.invalid('run event without run id', '/runId');
    // A read-only memory agent (spec.context.memory.readOnly): nothing of its run is written to any tier.
    // (A cancelled run's event comes from the orchestrator, which does not know: its episode holds no input or output.)
    if (run.kind !== 'cancelled' && run.event.memoryReadOnly) return;
    // Episodes and the graph keep finished runs only.
    if (tier !== 'working' && run.kind === 'started') return;
    try {
      await this.batchers[tier].add({ tenantId, run });
    } catch (error) {
      this.failed(tier, run, error);
      throw error;
    }
  }

  /** Events of the tier waiting for its next batch write (the one being written not counted). */
  waiting(tier: MemoryTier): number {
    return this.batchers[tier].waiting;
  }

  private writeWorking(items: TierItem[]): Promise<ItemOutcome[]> {
    const changes = items.map(({ tenantId, run }): WorkingMemoryChange => {
      if (run.kind !== 'started') return { tenantId, runId: run.event.runId, kind: 'finish' };
      const e = run.event;
      return { tenantId, runId: e.runId, kind: 'start', start: { attempt: e.attempt, workerId: e.workerId, startedAtMs: Number(e.atMs) || Date.now(), agent: e.agent } };
    });
    return this.working.applyBatch(changes, this.options.workingMemoryTtlSeconds);
  }

  /**
   * The final events of a batch: each run is confirmed by the orchestrator (an unknown run fails
   * its own item: NOT_FOUND, terminated), the known ones are written per tenant in one statement.
   * A batch write refused for something else than unavailability is retried item by item, so one
   * bad event fails alone and the rest of its batch is written.
   */
  private async writeFinal(items: TierItem[], write: (group: FinishedItem[]) => Promise<void>): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = items.map(() => undefined);
    const known = await Promise.all(
      items.map(async ({ tenantId, run }, i) => {
        try {
          const finished = finishedOf(run as Exclude<RunEvent, { kind: 'started' }>);
          const confirmed = await this.runs.requireRun(tenantId, finished.runId);
          return { i, item: { tenantId, finished: { ...finished, agent: finished.agent || confirmed.agent } } };
        } catch (error) {
          outcomes[i] = asError(error);
          return null;
        }
      }),
    );
    const byTenant = new Map<TenantId, { i: number; item: FinishedItem }[]>();
    for (const entry of known) {
      if (!entry) continue;
      const group = byTenant.get(entry.item.tenantId) ?? [];
      group.push(entry);
      byTenant.set(entry.item.tenantId, group);
    }
    await Promise.all(
      [...byTenant.values()].map(async (group) => {
        try {
          await write(group.map((g) => g.item));
        } catch (error) {
          if (group.length === 1 || toAppError(error).code === ErrorCode.Unavailable) {
            for (const g of group) outcomes[g.i] = asError(error);
            return;
          }
          for (const g of group) {
            try {
              await write([g.item]);
            } catch (single) {
              outcomes[g.i] = asError(single);
            }
          }
        }
      }),
    );
    return outcomes;
  }

  private writeEpisodes(group: FinishedItem[]): Promise<void> {
    const tenantId = group[0]!.tenantId;
    return this.episodes.recordMany(
      tenantId,
      group.map((g) => g.finished),
    );
  }

  private writeGraph(group: FinishedItem[]): Promise<void> {
    return this.graph.recordRuns(group.map(({ tenantId, finished: f }) => ({ tenantId, run: { runId: f.runId, agent: f.agent, version: f.version, outcome: f.outcome, occurredAt: f.occurredAt } })));
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
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

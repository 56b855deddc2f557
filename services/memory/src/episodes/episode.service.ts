import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { EpisodeSchema, ListEpisodesReplySchema, ListEpisodesRequest, RunFailed, RunStarted, RunSucceeded, TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import type { EpisodeEntity, JsonValue } from '../persistence/episode.entity.js';
import { WorkingMemoryRepository } from '../working-memory/working-memory.repository.js';
import { summarizeEpisode } from './episode-summary.js';
import { EpisodeRepository, type NewEpisode } from './episode.repository.js';
import { DNS_LABEL } from '@af/blueprint-format';

export const EPISODES_OPTIONS = Symbol.for('af.memory.episodesOptions');

export interface EpisodesOptions {
  workingMemoryTtlSeconds: number;
}

const AGENT_NAME = DNS_LABEL;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_QUERY_CHARS = 200;

/**
 * The three tiers of run memory, fed by run events: working memory (Redis) while a run is
 * going, then an episode (PostgreSQL) and its place in the graph (Neo4j) once it finished.
 * Every step is idempotent, so a redelivered event is harmless.
 */
@Injectable()
export class EpisodeService {
  private readonly recorded: Counter<'outcome'>;
  private readonly workingMemory: Counter<'outcome'>;

  constructor(
    private readonly episodes: EpisodeRepository,
    private readonly working: WorkingMemoryRepository,
    private readonly graph: RunGraphRepository,
    @Inject(EPISODES_OPTIONS) private readonly options: EpisodesOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.recorded = metrics.counter('af_memory_episodes_recorded_total', 'Episodes recorded from finished runs (duplicates excluded)', ['outcome']);
    this.workingMemory = metrics.counter('af_memory_working_memory_writes_total', 'Run-started events applied to working memory, by outcome (written | skipped)', ['outcome']);
  }

  async onStarted(tenantId: TenantId, event: RunStarted): Promise<void> {
    requireRunId(event.runId);
    const written = await this.working.start(
      tenantId,
      event.runId,
      { attempt: event.attempt, workerId: event.workerId, startedAtMs: Number(event.atMs) || Date.now(), agent: event.agent },
      this.options.workingMemoryTtlSeconds,
    );
    this.workingMemory.inc({ outcome: written ? 'written' : 'skipped' });
    this.logger.debug({ runId: event.runId, attempt: event.attempt, written }, 'working memory for run');
  }

  onSucceeded(tenantId: TenantId, event: RunSucceeded): Promise<void> {
    return this.remember(tenantId, {
      runId: event.runId,
      agent: event.agent,
      version: event.version,
      outcome: 'succeeded',
      attempt: event.attempt,
      input: parseJson(event.inputJson),
      output: parseJson(event.outputJson),
      error: null,
      occurredAt: eventTime(event.atMs),
    });
  }

  onFailed(tenantId: TenantId, event: RunFailed): Promise<void> {
    const error = { code: event.error?.code || ErrorCode.Internal, message: event.error?.message || 'run failed', ...(event.error?.path ? { path: event.error.path } : {}) };
    return this.remember(tenantId, {
      runId: event.runId,
      agent: event.agent,
      version: event.version,
      outcome: 'failed',
      attempt: event.attempt,
      input: null,
      output: null,
      error,
      occurredAt: eventTime(event.atMs),
    });
  }

  async list(tenantId: TenantId, request: ListEpisodesRequest): Promise<MessageInitShape<typeof ListEpisodesReplySchema>> {
    if (request.agent && !AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (request.limit < 0) throw AppError.invalid('limit must not be negative', '/limit');
    const text = request.query.trim();
    if (text.length > MAX_QUERY_CHARS) throw AppError.invalid(`query must be at most ${MAX_QUERY_CHARS} characters`, '/query');
    const rows = await this.episodes.list(tenantId, { agent: request.agent, limit: Math.min(request.limit || DEFAULT_LIMIT, MAX_LIMIT), text });
    return { episodes: rows.map(toEpisodeMessage) };
  }

  /** Episode first (the record of truth), then the graph from the stored row, then working memory goes. */
  private async remember(tenantId: TenantId, finished: Omit<NewEpisode, 'summary'>): Promise<void> {
    requireRunId(finished.runId);
    const { episode, created } = await this.episodes.record(tenantId, { ...finished, summary: summarizeEpisode(finished) });
    await this.graph.recordRun(tenantId, { runId: episode.runId, agent: episode.agent, version: episode.version, outcome: episode.outcome, occurredAt: episode.occurredAt });
    await this.working.finish(tenantId, episode.runId, this.options.workingMemoryTtlSeconds);
    if (created) this.recorded.inc({ outcome: episode.outcome });
    this.logger.info({ runId: episode.runId, agent: episode.agent, outcome: episode.outcome, created }, created ? 'episode recorded' : 'episode already recorded');
  }
}

function requireRunId(runId: string): void {
  // Permanent: the message can never be processed, so it is terminated rather than retried.
  if (!runId) throw AppError.invalid('run event without run id', '/runId');
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

function toEpisodeMessage(e: EpisodeEntity): MessageInitShape<typeof EpisodeSchema> {
  return {
    episodeId: e.id,
    runId: e.runId,
    agent: e.agent,
    version: e.version,
    summary: e.summary,
    outcome: e.outcome,
    occurredAt: e.occurredAt.toISOString(),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { EpisodeSchema, ListEpisodesReplySchema, ListEpisodesRequest, TenantId } from '@af/contracts';
import { AppError } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import type { EpisodeEntity } from '../persistence/episode.entity.js';
import { summarizeEpisode } from './episode-summary.js';
import { EpisodeRepository, type NewEpisode } from './episode.repository.js';
import { DNS_LABEL } from '@af/blueprint-format';

export const EPISODES_OPTIONS = Symbol.for('af.memory.episodesOptions');

export interface EpisodesOptions {
  workingMemoryTtlSeconds: number;
  /** Most run events one tier writes in one batch (MEMORY_EVENT_BATCH_SIZE). */
  eventBatchSize: number;
}

const AGENT_NAME = DNS_LABEL;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_QUERY_CHARS = 200;

/** Episodic memory: one episode per finished run (recorded by the episodes tier), searchable by tenant. */
@Injectable()
export class EpisodeService {
  private readonly recorded: Counter<'outcome'>;

  constructor(
    private readonly episodes: EpisodeRepository,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.recorded = metrics.counter('af_memory_episodes_recorded_total', 'Episodes recorded from finished runs (duplicates excluded)', ['outcome']);
  }

  async list(tenantId: TenantId, request: ListEpisodesRequest): Promise<MessageInitShape<typeof ListEpisodesReplySchema>> {
    if (request.agent && !AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (request.limit < 0) throw AppError.invalid('limit must not be negative', '/limit');
    const text = request.query.trim();
    if (text.length > MAX_QUERY_CHARS) throw AppError.invalid(`query must be at most ${MAX_QUERY_CHARS} characters`, '/query');
    const rows = await this.episodes.list(tenantId, { agent: request.agent, limit: Math.min(request.limit || DEFAULT_LIMIT, MAX_LIMIT), text });
    return { episodes: rows.map(toEpisodeMessage) };
  }

  /**
   * Records the runs' episodes (first final event wins), one statement for the batch; the episodes
   * tier calls it once the runs are known. Counted by the metric, logged at debug level only.
   */
  async recordMany(tenantId: TenantId, finished: readonly Omit<NewEpisode, 'summary'>[]): Promise<void> {
    const created = await this.episodes.recordMany(tenantId, finished.map((f) => ({ ...f, summary: summarizeEpisode(f) })));
    for (const episode of created) this.recorded.inc({ outcome: episode.outcome });
    this.logger.debug({ tenantId, batch: finished.length, created: created.length }, 'episodes recorded');
  }
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

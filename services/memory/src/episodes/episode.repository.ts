import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE } from '@af/persistence';
import { EpisodeEntity, type EpisodeOutcome, type JsonValue } from '../persistence/episode.entity.js';

export interface NewEpisode {
  runId: string;
  agent: string;
  version: number;
  outcome: EpisodeOutcome;
  attempt: number;
  summary: string;
  input: JsonValue | null;
  output: JsonValue | null;
  error: { code: string; message: string; path?: string } | null;
  occurredAt: Date;
}

export interface EpisodeQuery {
  /** Empty = every agent of the tenant. */
  agent: string;
  limit: number;
  /** Full-text query (websearch syntax); empty = newest first. */
  text: string;
}

/** Episodes of one tenant; every query is scoped by tenant id. */
@Injectable()
export class EpisodeRepository {
  private readonly episodes: Repository<EpisodeEntity>;

  constructor(@Inject(DATA_SOURCE) dataSource: DataSource) {
    this.episodes = dataSource.getRepository(EpisodeEntity);
  }

  /** Inserts the run's episode unless it already has one (first final event wins); returns the stored row. */
  async record(tenantId: TenantId, episode: NewEpisode): Promise<{ episode: EpisodeEntity; created: boolean }> {
    const inserted = (await this.episodes.query(
      `INSERT INTO episodes (tenant_id, run_id, agent, version, outcome, attempt, summary, input, output, error, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11)
       ON CONFLICT (tenant_id, run_id) DO NOTHING RETURNING id`,
      [
        tenantId,
        episode.runId,
        episode.agent,
        episode.version,
        episode.outcome,
        episode.attempt,
        episode.summary,
        jsonParam(episode.input),
        jsonParam(episode.output),
        jsonParam(episode.error),
        episode.occurredAt,
      ],
    )) as { id: string }[];
    const stored = await this.episodes.findOneByOrFail({ tenantId, runId: episode.runId });
    return { episode: stored, created: inserted.length > 0 };
  }

  findByRun(tenantId: TenantId, runId: string): Promise<EpisodeEntity | null> {
    return this.episodes.findOneBy({ tenantId, runId });
  }

  async list(tenantId: TenantId, query: EpisodeQuery): Promise<EpisodeEntity[]> {
    const qb = this.episodes.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (query.agent) qb.andWhere('e.agent = :agent', { agent: query.agent });
    if (query.text) {
      qb.andWhere(`e.search @@ websearch_to_tsquery('english', :text)`, { text: query.text })
        .orderBy(`ts_rank(e.search, websearch_to_tsquery('english', :text))`, 'DESC')
        .addOrderBy('e.occurred_at', 'DESC');
    } else {
      qb.orderBy('e.occurred_at', 'DESC');
    }
    return qb.addOrderBy('e.id', 'ASC').limit(query.limit).getMany();
  }
}

/** jsonb parameters travel as JSON text; SQL NULL for "none". */
function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

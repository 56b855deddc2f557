import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withTenant } from '@af/persistence';
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

/** Episodes of one tenant; every query runs in its tenant's transaction (row-level security) and is scoped by tenant id too. */
@Injectable()
export class EpisodeRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Inserts the run's episode unless it already has one (first final event wins); returns the stored row. */
  record(tenantId: TenantId, episode: NewEpisode): Promise<{ episode: EpisodeEntity; created: boolean }> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const episodes = em.getRepository(EpisodeEntity);
      const inserted = (await episodes.query(
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
      const stored = await episodes.findOneByOrFail({ tenantId, runId: episode.runId });
      return { episode: stored, created: inserted.length > 0 };
    });
  }

  findByRun(tenantId: TenantId, runId: string): Promise<EpisodeEntity | null> {
    return withTenant(this.dataSource, tenantId, (em) => em.getRepository(EpisodeEntity).findOneBy({ tenantId, runId }));
  }

  list(tenantId: TenantId, query: EpisodeQuery): Promise<EpisodeEntity[]> {
    return withTenant(this.dataSource, tenantId, (em) => {
      const qb = em.getRepository(EpisodeEntity).createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
      if (query.agent) qb.andWhere('e.agent = :agent', { agent: query.agent });
      if (query.text) {
        qb.andWhere(`e.search @@ websearch_to_tsquery('english', :text)`, { text: query.text })
          .orderBy(`ts_rank(e.search, websearch_to_tsquery('english', :text))`, 'DESC')
          .addOrderBy('e.occurred_at', 'DESC');
      } else {
        qb.orderBy('e.occurred_at', 'DESC');
      }
      return qb.addOrderBy('e.id', 'ASC').limit(query.limit).getMany();
    });
  }
}

/** jsonb parameters travel as JSON text; SQL NULL for "none". */
function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

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

  /** Inserts the run's episode unless it already has one (first final event wins). */
  async record(tenantId: TenantId, episode: NewEpisode): Promise<{ created: boolean }> {
    return { created: (await this.recordMany(tenantId, [episode])).length > 0 };
  }

  /**
   * Inserts each run's episode unless it already has one (first final event wins: within the
   * batch too, in the given order), in one statement and one transaction; returns the episodes
   * created (the others were already recorded — a redelivery changes nothing).
   */
  recordMany(tenantId: TenantId, episodes: readonly NewEpisode[]): Promise<{ runId: string; outcome: EpisodeOutcome }[]> {
    if (episodes.length === 0) return Promise.resolve([]);
    const column = <K extends keyof NewEpisode>(key: K) => episodes.map((e) => e[key]);
    return withTenant(this.dataSource, tenantId, async (em) => {
      const inserted = (await em.query(
        `INSERT INTO episodes (tenant_id, run_id, agent, version, outcome, attempt, summary, input, output, error, occurred_at)
         SELECT $1, r.run_id, r.agent, r.version, r.outcome, r.attempt, r.summary, r.input::jsonb, r.output::jsonb, r.error::jsonb, r.occurred_at::timestamptz
           FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
                WITH ORDINALITY AS r(run_id, agent, version, outcome, attempt, summary, input, output, error, occurred_at, ord)
          ORDER BY r.ord
         ON CONFLICT (tenant_id, run_id) DO NOTHING RETURNING run_id, outcome`,
        [
          tenantId,
          column('runId'),
          column('agent'),
          column('version'),
          column('outcome'),
          column('attempt'),
          column('summary'),
          episodes.map((e) => jsonParam(e.input)),
          episodes.map((e) => jsonParam(e.output)),
          episodes.map((e) => jsonParam(e.error)),
          episodes.map((e) => e.occurredAt.toISOString()),
        ],
      )) as { run_id: string; outcome: EpisodeOutcome }[];
      return inserted.map((r) => ({ runId: r.run_id, outcome: r.outcome }));
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

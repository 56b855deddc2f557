import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';

export interface MemoryRow {
  id: string;
  agent: string;
  team: string;
  subjectId: string;
  source: string;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
  score: number;
}

export interface NewMemory {
  agent: string;
  team: string;
  subjectId: string;
  source: string;
  content: string;
  metadataJson: string;
  retentionDays: number;
  idempotencyKey: string;
}

export interface EpisodicQuery {
  text: string;
  /** '' = no filter. */
  agent: string;
  team: string;
  subjectId: string;
  since: Date | null;
  until: Date | null;
  limit: number;
}

interface RawRow {
  id: string;
  agent: string;
  team: string;
  subject_id: string;
  source: string;
  content: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  score: number | string | null;
}

const COLUMNS = 'id, agent, team, subject_id, source, content, metadata, created_at';

/** The episodic tier's stored memories (PostgreSQL, row-level security per tenant). */
@Injectable()
export class MemoryRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Inserts once per (tenant, idempotency key); a repeat returns the first row with created = false. */
  insert(tenantId: TenantId, memory: NewMemory): Promise<{ row: MemoryRow; created: boolean }> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const key = memory.idempotencyKey || null;
      const inserted = (await em.query(
        `INSERT INTO memories (tenant_id, agent, team, subject_id, source, content, metadata, expires_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, now() + make_interval(days => $8), $9)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
        [tenantId, memory.agent, memory.team, memory.subjectId, memory.source, memory.content, memory.metadataJson, memory.retentionDays, key],
      )) as RawRow[];
      if (inserted[0]) return { row: toRow(inserted[0]), created: true };
      const existing = (await em.query(`SELECT ${COLUMNS} FROM memories WHERE tenant_id = $1 AND idempotency_key = $2`, [tenantId, key])) as RawRow[];
      return { row: toRow(existing[0]!), created: false };
    });
  }

  get(tenantId: TenantId, id: string): Promise<MemoryRow | null> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const rows = (await em.query(`SELECT ${COLUMNS} FROM memories WHERE tenant_id = $1 AND id = $2 AND expires_at > now()`, [tenantId, id])) as RawRow[];
      return rows[0] ? toRow(rows[0]) : null;
    });
  }

  /** Ranked full-text search (websearch syntax, ts_rank), newest first on ties; empty text = newest first. */
  search(tenantId: TenantId, query: EpisodicQuery): Promise<MemoryRow[]> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const params: unknown[] = [tenantId];
      const where = ['tenant_id = $1', 'expires_at > now()'];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (query.agent) add('agent = ?', query.agent);
      if (query.team) add('team = ?', query.team);
      if (query.subjectId) add('subject_id = ?', query.subjectId);
      if (query.since) add('created_at >= ?', query.since);
      if (query.until) add('created_at < ?', query.until);
      let score = '1::real';
      let order = 'created_at DESC, id';
      if (query.text) {
        params.push(query.text);
        const tsq = `websearch_to_tsquery('english', $${params.length})`;
        where.push(`search @@ ${tsq}`);
        score = `ts_rank(search, ${tsq})`;
        order = `score DESC, created_at DESC, id`;
      }
      params.push(query.limit);
      const rows = (await em.query(`SELECT ${COLUMNS}, ${score} AS score FROM memories WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`, params)) as RawRow[];
      return rows.map(toRow);
    });
  }

  /** Deletes the subject's memories and episodes; returns how many rows went. */
  forgetSubject(tenantId: TenantId, subjectId: string): Promise<number> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const [, memories] = (await em.query(`DELETE FROM memories WHERE tenant_id = $1 AND subject_id = $2`, [tenantId, subjectId])) as [unknown, number];
      const [, episodes] = (await em.query(`DELETE FROM episodes WHERE tenant_id = $1 AND subject_id = $2`, [tenantId, subjectId])) as [unknown, number];
      return memories + episodes;
    });
  }

  /** Rows of the subject left in either table (forget's read-back). */
  countSubject(tenantId: TenantId, subjectId: string): Promise<number> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const rows = (await em.query(
        `SELECT (SELECT count(*) FROM memories WHERE tenant_id = $1 AND subject_id = $2) + (SELECT count(*) FROM episodes WHERE tenant_id = $1 AND subject_id = $2) AS n`,
        [tenantId, subjectId],
      )) as { n: string }[];
      return Number(rows[0]?.n ?? 0);
    });
  }

  /**
   * One retention batch across tenants (system scope, SKIP LOCKED so instances share the work):
   * memories past expires_at, episodes older than their tenant's retention. Returns the counts.
   */
  deleteExpired(defaultDays: number, overrides: ReadonlyMap<string, number>, batch: number): Promise<{ memories: number; episodes: number }> {
    return withSystemScope(this.dataSource, 'memory retention: expired memories and episodes', async (em) => {
      const memories = (await em.query(
        `DELETE FROM memories WHERE id IN (SELECT id FROM memories WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id`,
        [batch],
      )) as [unknown[], number];
      const episodes = (await em.query(
        `DELETE FROM episodes WHERE id IN (
           SELECT id FROM episodes
           WHERE occurred_at < now() - make_interval(days => COALESCE(($2::jsonb ->> tenant_id)::int, $3))
           LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id`,
        [batch, JSON.stringify(Object.fromEntries(overrides)), defaultDays],
      )) as [unknown[], number];
      return { memories: memories[1], episodes: episodes[1] };
    });
  }
}

function toRow(r: RawRow): MemoryRow {
  return {
    id: r.id,
    agent: r.agent,
    team: r.team,
    subjectId: r.subject_id,
    source: r.source,
    content: r.content,
    metadata: r.metadata,
    createdAt: r.created_at,
    score: r.score === null ? 1 : Number(r.score),
  };
}

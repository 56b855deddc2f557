import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withTenant } from '@af/persistence';
import type { ChainHead, StoredRecord } from './audit-chain.js';

/** A record as the service appends it (hash computed by the service from the head it is given). */
export type SealedRecord = StoredRecord;

export interface StoredAuditRecord extends StoredRecord {
  recordedAt: Date;
}

export interface AuditFilter {
  action: string | undefined;
  actor: string | undefined;
  resourceType: string | undefined;
  resourceId: string | undefined;
  /** `at >= since` */
  since: Date | undefined;
  /** `at < until` */
  until: Date | undefined;
  /** Records with a seq below this one (the page cursor). */
  beforeSeq: number | undefined;
  limit: number;
}

/** Reads one tenant's chain inside one snapshot (see {@link AuditRepository.readChain}). */
export interface ChainReader {
  head(): Promise<ChainHead | null>;
  /** Records after (seq, eventId), in seq order. */
  batch(after: { seq: number; eventId: string } | null, limit: number): Promise<StoredRecord[]>;
}

export type AppendOutcome = { appended: true; record: StoredAuditRecord } | { appended: false; record: StoredAuditRecord };

interface RawRecord {
  tenant_id: string;
  seq: string;
  event_id: string;
  action: string;
  actor: string;
  resource_type: string;
  resource_id: string;
  outcome: string;
  details_json: string;
  at: Date;
  service: string;
  correlation_id: string;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
}

const COLUMNS = `tenant_id, seq, event_id, action, actor, resource_type, resource_id, outcome, details_json, at, service, correlation_id, prev_hash, hash, recorded_at`;

/**
 * The audit log's only SQL. Every query names its tenant explicitly and runs in a tenant
 * transaction (row-level security), so a missing filter would still see one tenant only.
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Appends one record to the tenant's chain, once per event id. Appends of one tenant are
   * serialized by a transaction-level advisory lock on the tenant, taken before the head is read,
   * so concurrent consumers (several instances) cannot fork the chain; the head moves in the same
   * transaction. `seal` computes the record from the head (null for an empty chain).
   */
  append(tenantId: TenantId, eventId: string, seal: (head: ChainHead | null) => SealedRecord): Promise<AppendOutcome> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`af.audit:${tenantId}`]);
      const [existing] = (await m.query(`SELECT ${COLUMNS} FROM audit_records WHERE tenant_id = $1 AND event_id = $2`, [tenantId, eventId])) as RawRecord[];
      if (existing) return { appended: false, record: toRecord(existing) };
      const head = await readHead(m, tenantId);
      const r = seal(head);
      const [inserted] = (await m.query(
        `INSERT INTO audit_records (tenant_id, seq, event_id, action, actor, resource_type, resource_id, outcome, details_json, at, service, correlation_id, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${COLUMNS}`,
        [tenantId, r.seq, r.eventId, r.action, r.actor, r.resourceType, r.resourceId, r.outcome, r.detailsJson, r.at, r.service, r.correlationId, r.prevHash, r.hash],
      )) as RawRecord[];
      await m.query(
        `INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, updated_at = clock_timestamp()`,
        [tenantId, r.seq, r.hash],
      );
      return { appended: true, record: toRecord(inserted!) };
    });
  }

  /** One page of the tenant's records, newest (highest seq) first. */
  list(tenantId: TenantId, filter: AuditFilter): Promise<StoredAuditRecord[]> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const where = ['tenant_id = $1'];
      const params: unknown[] = [tenantId];
      const add = (clause: (placeholder: string) => string, value: unknown) => {
        params.push(value);
        where.push(clause(`$${params.length}`));
      };
      if (filter.action !== undefined) add((p) => `action = ${p}`, filter.action);
      if (filter.actor !== undefined) add((p) => `actor = ${p}`, filter.actor);
      if (filter.resourceType !== undefined) add((p) => `resource_type = ${p}`, filter.resourceType);
      if (filter.resourceId !== undefined) add((p) => `resource_id = ${p}`, filter.resourceId);
      if (filter.since !== undefined) add((p) => `at >= ${p}`, filter.since);
      if (filter.until !== undefined) add((p) => `at < ${p}`, filter.until);
      if (filter.beforeSeq !== undefined) add((p) => `seq < ${p}`, filter.beforeSeq);
      params.push(filter.limit);
      const rows = (await m.query(`SELECT ${COLUMNS} FROM audit_records WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`, params)) as RawRecord[];
      return rows.map(toRecord);
    });
  }

  /**
   * Runs `work` in one REPEATABLE READ, READ ONLY transaction scoped to the tenant: the head and
   * every batch come from one snapshot, so appends made meanwhile (never blocked by a verify) are
   * neither half seen nor mistaken for records beyond the head.
   */
  readChain<T>(tenantId: TenantId, work: (reader: ChainReader) => Promise<T>): Promise<T> {
    return withTenant(
      this.dataSource,
      tenantId,
      (m) =>
        work({
          head: () => readHead(m, tenantId),
          batch: async (after, limit) => {
            const rows = (
              after
                ? await m.query(`SELECT ${COLUMNS} FROM audit_records WHERE tenant_id = $1 AND (seq, event_id) > ($2, $3) ORDER BY seq, event_id LIMIT $4`, [tenantId, after.seq, after.eventId, limit])
                : await m.query(`SELECT ${COLUMNS} FROM audit_records WHERE tenant_id = $1 ORDER BY seq, event_id LIMIT $2`, [tenantId, limit])
            ) as RawRecord[];
            return rows.map(toRecord);
          },
        }),
      { isolation: 'REPEATABLE READ', readOnly: true },
    );
  }
}

async function readHead(m: EntityManager, tenantId: TenantId): Promise<ChainHead | null> {
  const [row] = (await m.query(`SELECT seq, hash FROM audit_heads WHERE tenant_id = $1`, [tenantId])) as { seq: string; hash: string }[];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

function toRecord(r: RawRecord): StoredAuditRecord {
  return {
    tenantId: r.tenant_id,
    seq: Number(r.seq),
    eventId: r.event_id,
    action: r.action,
    actor: r.actor,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    outcome: r.outcome,
    detailsJson: r.details_json,
    at: r.at,
    service: r.service,
    correlationId: r.correlation_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    recordedAt: r.recorded_at,
  };
}

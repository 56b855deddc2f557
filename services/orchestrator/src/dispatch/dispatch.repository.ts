import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import { PRIORITY_RANK_SQL, type Priority } from './priority.js';

/** What the dispatcher needs of a run to publish its ExecuteRun. */
export interface DispatchableRun {
  id: string;
  tenantId: string;
  agent: string;
  version: number;
  artifactHash: string;
  input: unknown;
  priority: Priority;
  dispatch: number;
  traceId: string;
  correlationId: string;
  createdAt: Date;
  /** The submitting caller's subject (ExecuteRun.requested_by). */
  requestedBy: string;
}

interface Row {
  id: string;
  tenant_id: string;
  agent: string;
  version: number;
  artifact_hash: string;
  input: unknown;
  priority: Priority;
  dispatch: number;
  trace_id: string;
  correlation_id: string;
  created_at: Date;
  requested_by: string;
}

const COLUMNS = `id, tenant_id, agent, version, artifact_hash, input, priority, dispatch, trace_id, correlation_id, created_at, requested_by`;

/** Runs waiting for dispatch: recorded `queued`, not handed to JetStream yet. */
export const WAITING = `status = 'queued' AND queued_at IS NULL`;
/** Runs holding a slot of their tenant: dispatched and not finished. A `waiting` run (parked on an escalation) holds none. */
const HOLDING = `queued_at IS NOT NULL AND status IN ('queued', 'running')`;

/**
 * The dispatcher's view of the `runs` table (columns: see persistence/run.entity.ts and the
 * dispatch migration). `queued_at` = dispatched at; `dispatch` = dispatch number;
 * `dispatch_seq` = AF_RUNS sequence of the current dispatch's ExecuteRun once confirmed.
 * A tenant's queries run in its tenant scope (row-level security); the round's cross-tenant scans
 * (which tenants wait, depth per tenant, unconfirmed dispatches) in the system scope.
 */
@Injectable()
export class DispatchRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Tenants with runs waiting for dispatch (across tenants: the dispatcher's round). */
  async tenantsWaiting(): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await withSystemScope(this.dataSource, 'orchestrator dispatcher: tenants with waiting runs', (m) =>
      m.query(`SELECT DISTINCT tenant_id FROM runs WHERE ${WAITING} ORDER BY tenant_id`),
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Waiting and dispatched-unfinished runs per tenant (metrics). */
  async depthPerTenant(): Promise<Array<{ tenantId: string; waiting: number; holding: number }>> {
    const rows: Array<{ tenant_id: string; waiting: number; holding: number }> = await withSystemScope(this.dataSource, 'orchestrator dispatcher: queue depth per tenant (metrics)', (m) =>
      m.query(
        `SELECT tenant_id, count(*) FILTER (WHERE ${WAITING})::int AS waiting, count(*) FILTER (WHERE ${HOLDING})::int AS holding
           FROM runs WHERE status IN ('queued', 'running', 'waiting') GROUP BY tenant_id`,
      ),
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, waiting: r.waiting, holding: r.holding }));
  }

  /**
   * Claims up to `max` of the tenant's waiting runs, as many as its free slots (`limit` minus the
   * runs it has dispatched and unfinished): high before normal before low, then oldest first.
   * Claimed runs are marked dispatched (queued_at, dispatch + 1) and committed before anything is
   * published — no connection is held while publishing. One dispatcher per tenant at a time, across
   * orchestrator instances: a transaction-level advisory lock; a busy tenant is skipped (its
   * holder is dispatching it).
   */
  claim(tenantId: string, limit: number, max: number): Promise<DispatchableRun[]> {
    return withTenant(this.dataSource, tenantId, async (m: EntityManager) => {
      const [lock] = (await m.query(`SELECT pg_try_advisory_xact_lock(hashtextextended('af.dispatch.' || current_schema() || '.' || $1, 0)) AS locked`, [tenantId])) as Array<{ locked: boolean }>;
      if (!lock?.locked) return [];
      const [holding] = (await m.query(`SELECT count(*)::int AS n FROM runs WHERE tenant_id = $1 AND ${HOLDING}`, [tenantId])) as Array<{ n: number }>;
      const free = Math.min(limit - (holding?.n ?? 0), max);
      if (free <= 0) return [];
      const rows = (await m.query(
        `WITH picked AS (
           SELECT id FROM runs WHERE tenant_id = $1 AND ${WAITING}
            ORDER BY ${PRIORITY_RANK_SQL}, created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
         ), claimed AS (
           UPDATE runs r SET queued_at = now(), dispatch = r.dispatch + 1, dispatch_seq = NULL, updated_at = now()
             FROM picked WHERE r.id = picked.id AND r.tenant_id = $1
           RETURNING ${COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}
         )
         SELECT * FROM claimed ORDER BY ${PRIORITY_RANK_SQL}, created_at, id`,
        [tenantId, free],
      )) as Row[];
      return rows.map(toRun);
    });
  }

  /**
   * The ExecuteRuns of these dispatches of one tenant are stored on AF_RUNS at their `seq`: one
   * statement for all of them (a dispatch pass publishes its runs together and confirms them at once).
   */
  async confirmMany(tenantId: TenantId, confirmed: ReadonlyArray<{ runId: string; dispatch: number; seq: number }>): Promise<void> {
    if (confirmed.length === 0) return;
    await withTenant(this.dataSource, tenantId, (m) =>
      m.query(
        `UPDATE runs r SET dispatch_seq = v.seq
           FROM unnest($2::uuid[], $3::int[], $4::bigint[]) AS v(id, dispatch, seq)
          WHERE r.tenant_id = $1 AND r.id = v.id AND r.dispatch = v.dispatch`,
        [tenantId, confirmed.map((c) => c.runId), confirmed.map((c) => c.dispatch), confirmed.map((c) => c.seq)],
      ),
    );
  }

  /**
   * Claimed runs whose publish was never confirmed (JetStream refused it, or the process died in
   * between), claimed longer than `graceMs` ago: published again with the same message id.
   */
  async unconfirmed(graceMs: number, limit: number): Promise<DispatchableRun[]> {
    const rows = (await withSystemScope(this.dataSource, 'orchestrator dispatcher: unconfirmed dispatches across tenants', (m) => m.query(
      `SELECT ${COLUMNS} FROM runs
        WHERE status IN ('queued', 'running') AND queued_at IS NOT NULL AND dispatch_seq IS NULL AND queued_at < now() - make_interval(secs => $1)
        ORDER BY queued_at LIMIT $2`,
      [graceMs / 1000, limit],
    ))) as Row[];
    return rows.map(toRun);
  }
}

function toRun(r: Row): DispatchableRun {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    agent: r.agent,
    version: r.version,
    artifactHash: r.artifact_hash,
    input: r.input,
    priority: r.priority,
    dispatch: r.dispatch,
    traceId: r.trace_id,
    correlationId: r.correlation_id,
    createdAt: r.created_at,
    requestedBy: r.requested_by ?? '',
  };
}

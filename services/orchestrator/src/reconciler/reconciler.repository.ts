import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import type { DispatchableRun } from '../dispatch/dispatch.repository.js';
import type { Priority } from '../dispatch/priority.js';

export interface StuckRun {
  id: string;
  tenantId: string;
  status: string;
  dispatch: number;
  /** AF_RUNS sequence of the current dispatch's ExecuteRun (0: unknown, from before dispatch numbers). */
  dispatchSeq: number;
  /** Seconds since the last sign of life (transition, step, dispatch). */
  idleSec: number;
}

/** The reconciler's questions to the `runs` table: the sweep across tenants (system scope), the re-dispatch in the run's tenant scope. */
@Injectable()
export class ReconcilerRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Runs past their deadline: dispatched and confirmed on AF_RUNS but not started for
   * `dispatchTimeoutMs`, or running with no transition and no step for `stallTimeoutMs`. A
   * `waiting` run is parked on an escalation (no worker holds it): never stuck, however long.
   */
  async findStuck(dispatchTimeoutMs: number, stallTimeoutMs: number, limit: number): Promise<StuckRun[]> {
    const rows = (await withSystemScope(this.dataSource, 'orchestrator reconciler: stuck runs across tenants', (m) => m.query(
      `SELECT r.id, r.tenant_id, r.status, r.dispatch, r.dispatch_seq::int8::text AS dispatch_seq, extract(epoch FROM now() - a.last)::float8 AS idle_sec
         FROM runs r
         CROSS JOIN LATERAL (
           SELECT GREATEST(r.updated_at, r.queued_at, (SELECT max(GREATEST(s.started_at, s.completed_at)) FROM run_steps s WHERE s.tenant_id = r.tenant_id AND s.run_id = r.id)) AS last
         ) a
        WHERE r.dispatch_seq IS NOT NULL AND (
              (r.status = 'queued' AND r.queued_at IS NOT NULL AND a.last < now() - make_interval(secs => $1))
           OR (r.status = 'running' AND a.last < now() - make_interval(secs => $2)))
        ORDER BY a.last LIMIT $3`,
      [dispatchTimeoutMs / 1000, stallTimeoutMs / 1000, limit],
    ))) as Array<{ id: string; tenant_id: string; status: string; dispatch: number; dispatch_seq: string; idle_sec: number }>;
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, status: r.status, dispatch: r.dispatch, dispatchSeq: Number(r.dispatch_seq), idleSec: r.idle_sec }));
  }

  /**
   * A new dispatch of a run that keeps its slot (its ExecuteRun is gone from AF_RUNS): dispatch +
   * 1, unconfirmed until published. Only if nobody moved it meanwhile (same dispatch, not final).
   */
  async redispatch(tenantId: TenantId, runId: string, dispatch: number): Promise<DispatchableRun | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `WITH u AS (
         UPDATE runs SET dispatch = dispatch + 1, dispatch_seq = NULL, queued_at = now(), updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND dispatch = $3 AND status IN ('queued', 'running')
         RETURNING id, tenant_id, agent, version, artifact_hash, input, priority, dispatch, trace_id, correlation_id, created_at, requested_by)
       SELECT * FROM u`,
      [tenantId, runId, dispatch],
    ))) as Array<{ id: string; tenant_id: string; agent: string; version: number; artifact_hash: string; input: unknown; priority: Priority; dispatch: number; trace_id: string; correlation_id: string; created_at: Date; requested_by: string }>;
    const r = rows[0];
    if (!r) return null;
    return { id: r.id, tenantId: r.tenant_id, agent: r.agent, version: r.version, artifactHash: r.artifact_hash, input: r.input, priority: r.priority, dispatch: r.dispatch, traceId: r.trace_id, correlationId: r.correlation_id, createdAt: r.created_at, requestedBy: r.requested_by };
  }
}

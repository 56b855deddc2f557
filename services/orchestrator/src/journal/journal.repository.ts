import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withTenant } from '@af/persistence';

/** `approval`: a step waiting for an escalation's decision, completed by the orchestrator when it is decided. `memory`: what the run loaded from memory. */
export type StepKind = 'model' | 'tool' | 'approval' | 'memory';
export type StepState = 'started' | 'completed';

export interface StepRow {
  tenantId: string;
  runId: string;
  seq: number;
  stepId: string;
  kind: StepKind;
  name: string;
  requestHash: string;
  state: StepState;
  resultJson: string | null;
  error: string;
  attempt: number;
  workerId: string;
  durationMs: number;
  startedAt: Date;
  completedAt: Date | null;
}

export interface StepStart {
  seq: number;
  kind: StepKind;
  name: string;
  requestHash: string;
  attempt: number;
  workerId: string;
}

export interface StepResult {
  resultJson: string | null;
  error: string;
  durationMs: number;
  attempt: number;
  workerId: string;
}

const COLUMNS = `tenant_id AS "tenantId", run_id AS "runId", seq, step_id AS "stepId", kind, name, request_hash AS "requestHash", state,
  result_json AS "resultJson", error, attempt, worker_id AS "workerId", duration_ms AS "durationMs", started_at AS "startedAt", completed_at AS "completedAt"`;

/** The step journal (`run_steps`) and the run status it depends on; every query runs in the tenant's transaction (row-level security) and is scoped by tenant id too. */
@Injectable()
export class JournalRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * A step's begin in ONE statement: the run's status (null when this tenant has no such run), the
   * step as it was stored before (null when never recorded), and — unless the run is in one of the
   * `stopped` statuses or the step is completed — the step recorded as started (or a started one
   * refreshed: a new attempt of it). The caller decides from the three (journal.service.ts).
   */
  async begin(tenantId: TenantId, runId: string, step: StepStart, stopped: readonly string[]): Promise<{ status: string | null; before: StepRow | null; started: StepRow | null }> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `WITH r AS (SELECT status FROM runs WHERE tenant_id = $1 AND id = $2),
       ins AS (
         INSERT INTO run_steps (tenant_id, run_id, seq, step_id, kind, name, request_hash, state, attempt, worker_id, started_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, 'started', $8, $9, now() FROM r WHERE r.status <> ALL($10::text[])
         ON CONFLICT (tenant_id, run_id, seq) DO UPDATE
           SET kind = EXCLUDED.kind, name = EXCLUDED.name, request_hash = EXCLUDED.request_hash, attempt = EXCLUDED.attempt,
               worker_id = EXCLUDED.worker_id, started_at = now()
           WHERE run_steps.state = 'started'
         RETURNING ${COLUMNS}
       )
       SELECT (SELECT status FROM r) AS "runStatus",
              (SELECT row_to_json(ins) FROM ins) AS started,
              (SELECT row_to_json(b) FROM (SELECT ${COLUMNS} FROM run_steps WHERE tenant_id = $1 AND run_id = $2 AND seq = $3) b) AS before`,
      [tenantId, runId, step.seq, `${runId}/${step.seq}`, step.kind, step.name, step.requestHash, step.attempt, step.workerId, stopped],
    ))) as Array<{ runStatus: string | null; started: StepRow | null; before: StepRow | null }>;
    const row = rows[0];
    return { status: row?.runStatus ?? null, before: row?.before ?? null, started: row?.started ?? null };
  }

  async find(tenantId: TenantId, runId: string, seq: number): Promise<StepRow | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT ${COLUMNS} FROM run_steps WHERE tenant_id = $1 AND run_id = $2 AND seq = $3`, [tenantId, runId, seq]))) as StepRow[];
    return rows[0] ?? null;
  }

  /**
   * A step's completion in ONE statement: the run's status (null: this tenant has no such run,
   * nothing is written) and the result stored on the started step — the first completion wins; an
   * approval step is never completed here (only its escalation's decision does that,
   * RunRepository.settleApproval, so no worker approves its own call). Returns the step as stored
   * (the first completion's when another delivery completed it first; null when never begun).
   */
  async completeWithStatus(tenantId: TenantId, runId: string, seq: number, result: StepResult): Promise<{ status: string | null; step: StepRow | null }> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `WITH r AS (SELECT status FROM runs WHERE tenant_id = $1 AND id = $2),
       upd AS (
         UPDATE run_steps SET state = 'completed', result_json = $4, error = $5, duration_ms = $6, attempt = $7, worker_id = $8, completed_at = now()
          WHERE tenant_id = $1 AND run_id = $2 AND seq = $3 AND state = 'started' AND kind <> 'approval' AND EXISTS (SELECT 1 FROM r)
         RETURNING ${COLUMNS}
       )
       SELECT (SELECT status FROM r) AS "runStatus",
              (SELECT row_to_json(upd) FROM upd) AS completed,
              (SELECT row_to_json(b) FROM (SELECT ${COLUMNS} FROM run_steps WHERE tenant_id = $1 AND run_id = $2 AND seq = $3) b) AS before`,
      [tenantId, runId, seq, result.resultJson, result.error, result.durationMs, result.attempt, result.workerId],
    ))) as Array<{ runStatus: string | null; completed: StepRow | null; before: StepRow | null }>;
    const row = rows[0];
    if (!row?.runStatus) return { status: null, step: null };
    if (row.completed) return { status: row.runStatus, step: row.completed };
    // Not completed by us: the stored step. The statement's snapshot predates a completion by
    // another delivery that committed while we waited for its row lock: read it again then.
    if (row.before && row.before.state === 'started' && row.before.kind !== 'approval') return { status: row.runStatus, step: await this.find(tenantId, runId, seq) };
    return { status: row.runStatus, step: row.before };
  }
}

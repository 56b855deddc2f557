import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
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

/** {@link COLUMNS} of `run_steps` aliased `s` (joined with `runs`). */
const STEP_COLUMNS = COLUMNS.split(',').map((c) => `s.${c.trim()}`).join(', ');

/** The step journal (`run_steps`) and the run status it depends on; every query runs in the tenant's transaction (row-level security) and is scoped by tenant id too. */
@Injectable()
export class JournalRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * The run's status (null when this tenant has no such run) and its step `seq` (null when not
   * recorded) in one statement: a step's begin reads both, and asked for them in two transactions.
   */
  async statusAndStep(tenantId: TenantId, runId: string, seq: number): Promise<{ status: string | null; step: StepRow | null }> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `SELECT r.status AS "runStatus", ${STEP_COLUMNS} FROM runs r
         LEFT JOIN run_steps s ON s.tenant_id = r.tenant_id AND s.run_id = r.id AND s.seq = $3
        WHERE r.tenant_id = $1 AND r.id = $2`,
      [tenantId, runId, seq],
    ))) as Array<StepRow & { runStatus: string }>;
    const row = rows[0];
    if (!row) return { status: null, step: null };
    const { runStatus, ...step } = row;
    return { status: runStatus, step: step.stepId === null ? null : step };
  }

  async find(tenantId: TenantId, runId: string, seq: number): Promise<StepRow | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT ${COLUMNS} FROM run_steps WHERE tenant_id = $1 AND run_id = $2 AND seq = $3`, [tenantId, runId, seq]))) as StepRow[];
    return rows[0] ?? null;
  }

  /**
   * Records the step as started (or refreshes a started one: a new attempt of it). A completed
   * step is never touched: null then, and the caller reads it.
   */
  async start(tenantId: TenantId, runId: string, step: StepStart): Promise<StepRow | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `INSERT INTO run_steps (tenant_id, run_id, seq, step_id, kind, name, request_hash, state, attempt, worker_id, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'started', $8, $9, now())
       ON CONFLICT (tenant_id, run_id, seq) DO UPDATE
         SET kind = EXCLUDED.kind, name = EXCLUDED.name, request_hash = EXCLUDED.request_hash, attempt = EXCLUDED.attempt,
             worker_id = EXCLUDED.worker_id, started_at = now()
         WHERE run_steps.state = 'started'
       RETURNING ${COLUMNS}`,
      [tenantId, runId, step.seq, `${runId}/${step.seq}`, step.kind, step.name, step.requestHash, step.attempt, step.workerId],
    ))) as StepRow[];
    return rows[0] ?? null;
  }

  /**
   * Stores the result of a started step; the first completion wins (null when already completed or
   * never begun). An approval step is never completed here: only its escalation's decision does
   * that (RunRepository.settleApproval), so no worker can approve its own call.
   */
  /**
   * One transaction for a step's completion: the run's status (null: this tenant has no such run,
   * nothing is written), the completion, and the step as stored (the first completion's, when
   * another delivery completed it first; null when never begun).
   */
  completeWithStatus(tenantId: TenantId, runId: string, seq: number, result: StepResult): Promise<{ status: string | null; step: StepRow | null }> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [run] = (await m.query(`SELECT status FROM runs WHERE tenant_id = $1 AND id = $2`, [tenantId, runId])) as { status: string }[];
      if (!run) return { status: null, step: null };
      const completed = await completeIn(m, tenantId, runId, seq, result);
      if (completed) return { status: run.status, step: completed };
      const [stored] = (await m.query(`SELECT ${COLUMNS} FROM run_steps WHERE tenant_id = $1 AND run_id = $2 AND seq = $3`, [tenantId, runId, seq])) as StepRow[];
      return { status: run.status, step: stored ?? null };
    });
  }
}

async function completeIn(m: EntityManager, tenantId: TenantId, runId: string, seq: number, result: StepResult): Promise<StepRow | null> {
  const rows = (await m.query(
    `UPDATE run_steps SET state = 'completed', result_json = $4, error = $5, duration_ms = $6, attempt = $7, worker_id = $8, completed_at = now()
     WHERE tenant_id = $1 AND run_id = $2 AND seq = $3 AND state = 'started' AND kind <> 'approval'
     RETURNING ${COLUMNS}`,
    [tenantId, runId, seq, result.resultJson, result.error, result.durationMs, result.attempt, result.workerId],
  )) as [StepRow[], number];
  // pg answers an UPDATE … RETURNING as [rows, affected].
  return rows[0][0] ?? null;
}

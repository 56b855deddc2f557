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

  /** The run's status, or null when this tenant has no such run. */
  async runStatus(tenantId: TenantId, runId: string): Promise<string | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT status FROM runs WHERE tenant_id = $1 AND id = $2`, [tenantId, runId]))) as { status: string }[];
    return rows[0]?.status ?? null;
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
  async complete(tenantId: TenantId, runId: string, seq: number, result: StepResult): Promise<StepRow | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `UPDATE run_steps SET state = 'completed', result_json = $4, error = $5, duration_ms = $6, attempt = $7, worker_id = $8, completed_at = now()
       WHERE tenant_id = $1 AND run_id = $2 AND seq = $3 AND state = 'started' AND kind <> 'approval'
       RETURNING ${COLUMNS}`,
      [tenantId, runId, seq, result.resultJson, result.error, result.durationMs, result.attempt, result.workerId],
    ))) as [StepRow[], number];
    // pg answers an UPDATE … RETURNING as [rows, affected].
    return rows[0][0] ?? null;
  }
}

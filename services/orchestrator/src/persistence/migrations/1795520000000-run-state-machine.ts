import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run as a persisted state machine: every status (see runs/run-lifecycle.ts), each change
 * stored in run_transitions in the same transaction; the run's priority and worker; client
 * Idempotency-Keys (tenant, key) → the run they created and a hash of the request.
 */
export class RunStateMachine1795520000000 implements MigrationInterface {
  name = 'RunStateMachine1795520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await q.query(`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'dead_lettered'))`);
    await q.query(`
      ALTER TABLE runs
        ADD COLUMN priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('high', 'normal', 'low')),
        ADD COLUMN worker_id text,
        ADD COLUMN transition_seq int NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX runs_tenant_created ON runs (tenant_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE run_transitions (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq int NOT NULL,
        tenant_id text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        at timestamptz NOT NULL,
        attempt int NOT NULL DEFAULT 0,
        worker_id text NOT NULL DEFAULT '',
        reason text NOT NULL DEFAULT '',
        code text NOT NULL DEFAULT '',
        PRIMARY KEY (run_id, seq)
      )`);
    // Runs recorded before this migration get the history their columns tell.
    await q.query(`INSERT INTO run_transitions (run_id, seq, tenant_id, from_status, to_status, at, reason) SELECT id, 1, tenant_id, NULL, 'queued', created_at, 'submitted' FROM runs`);
    await q.query(`
      INSERT INTO run_transitions (run_id, seq, tenant_id, from_status, to_status, at, attempt, reason)
      SELECT id, 2, tenant_id, 'queued', status, COALESCE(finished_at, started_at, updated_at), attempts, 'recorded before transitions were stored' FROM runs WHERE status <> 'queued'`);
    await q.query(`UPDATE runs SET transition_seq = CASE WHEN status = 'queued' THEN 1 ELSE 2 END`);
    await q.query(`
      CREATE TABLE run_idempotency_keys (
        tenant_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
    await q.query(`CREATE INDEX run_idempotency_keys_created ON run_idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_idempotency_keys`);
    await q.query(`DROP TABLE run_transitions`);
    await q.query(`DROP INDEX runs_tenant_created`);
    await q.query(`ALTER TABLE runs DROP COLUMN transition_seq, DROP COLUMN worker_id, DROP COLUMN priority`);
    await q.query(`ALTER TABLE runs DROP CONSTRAINT runs_status_check`);
    await q.query(`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed'))`);
  }
}

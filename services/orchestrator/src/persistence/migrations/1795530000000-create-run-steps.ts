import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The step journal: one row per model call or tool call of a run (seq 1, 2, 3… in the order the
 * run makes them). A completed row's result is what a redelivered run replays instead of
 * executing the step again (see journal/journal.service.ts).
 */
export class CreateRunSteps1795530000000 implements MigrationInterface {
  name = 'CreateRunSteps1795530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_steps (
        tenant_id text NOT NULL,
        run_id uuid NOT NULL,
        seq int NOT NULL CHECK (seq >= 1),
        step_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('model', 'tool')),
        name text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('started', 'completed')),
        result_json text,
        error text NOT NULL DEFAULT '',
        attempt int NOT NULL DEFAULT 0,
        worker_id text NOT NULL DEFAULT '',
        duration_ms double precision NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (tenant_id, run_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_steps`);
  }
}

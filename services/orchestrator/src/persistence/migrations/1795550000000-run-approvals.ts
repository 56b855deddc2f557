import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs that wait for a human (issue 9, governance).
 *
 * - `runs.requested_by`: the subject who submitted the run (never an approver of its escalations);
 *   '' for runs submitted before it was recorded.
 * - `runs.waiting_for`: while `waiting`, the escalation the run waits for (null otherwise).
 * - `run_steps.kind` may be `approval`: the step a tool call (or a low-confidence answer) waits
 *   on; completed with the decision, so a resumed run replays it exactly.
 */
export class RunApprovals1795550000000 implements MigrationInterface {
  name = 'RunApprovals1795550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN requested_by text NOT NULL DEFAULT '', ADD COLUMN waiting_for text`);
    await q.query(`ALTER TABLE run_steps DROP CONSTRAINT IF EXISTS run_steps_kind_check`);
    await q.query(`ALTER TABLE run_steps ADD CONSTRAINT run_steps_kind_check CHECK (kind IN ('model', 'tool', 'approval'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM run_steps WHERE kind = 'approval'`);
    await q.query(`ALTER TABLE run_steps DROP CONSTRAINT IF EXISTS run_steps_kind_check`);
    await q.query(`ALTER TABLE run_steps ADD CONSTRAINT run_steps_kind_check CHECK (kind IN ('model', 'tool'))`);
    await q.query(`ALTER TABLE runs DROP COLUMN waiting_for, DROP COLUMN requested_by`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agent memory (issue 12): `run_steps.kind` may be `memory` — the step in which a worker loads
 * what the run remembers (working memory, episodes, semantic hits) before its first model call,
 * journaled so a redelivered run replays exactly what it saw.
 */
export class MemorySteps1798000000000 implements MigrationInterface {
  name = 'MemorySteps1798000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE run_steps DROP CONSTRAINT IF EXISTS run_steps_kind_check`);
    await q.query(`ALTER TABLE run_steps ADD CONSTRAINT run_steps_kind_check CHECK (kind IN ('model', 'tool', 'approval', 'memory'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM run_steps WHERE kind = 'memory'`);
    await q.query(`ALTER TABLE run_steps DROP CONSTRAINT IF EXISTS run_steps_kind_check`);
    await q.query(`ALTER TABLE run_steps ADD CONSTRAINT run_steps_kind_check CHECK (kind IN ('model', 'tool', 'approval'))`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A cancelled run is remembered too (af.v1.runs.event.cancelled): the outcome CHECK admits it. */
export class EpisodesCancelled1764000000000 implements MigrationInterface {
  name = 'EpisodesCancelled1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE episodes DROP CONSTRAINT IF EXISTS episodes_outcome_check`);
    await q.query(`ALTER TABLE episodes ADD CONSTRAINT episodes_outcome_check CHECK (outcome IN ('succeeded', 'failed', 'cancelled'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE episodes DROP CONSTRAINT episodes_outcome_check`);
    await q.query(`ALTER TABLE episodes ADD CONSTRAINT episodes_outcome_check CHECK (outcome IN ('succeeded', 'failed'))`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Transactional outbox: a run is recorded first, then queued; `queued_at` says it reached JetStream. */
export class AddRunQueuedAt1732260000000 implements MigrationInterface {
  name = 'AddRunQueuedAt1732260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN queued_at timestamptz`);
    await q.query(`UPDATE runs SET queued_at = created_at`);
    await q.query(`CREATE INDEX runs_unqueued ON runs (created_at) WHERE status = 'queued' AND queued_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX runs_unqueued`);
    await q.query(`ALTER TABLE runs DROP COLUMN queued_at`);
  }
}

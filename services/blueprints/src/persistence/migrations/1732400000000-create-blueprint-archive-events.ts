import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox of archive/restore transitions: a row is written in the same transaction as the change
 * and published on af.v1.blueprints.event.archived|restored (the relay retries unpublished rows).
 */
export class CreateBlueprintArchiveEvents1732400000000 implements MigrationInterface {
  name = 'CreateBlueprintArchiveEvents1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blueprint_archive_events (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        name text NOT NULL,
        archived boolean NOT NULL,
        latest_version int NOT NULL CHECK (latest_version >= 1),
        changed_at timestamptz NOT NULL,
        changed_by text NOT NULL,
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX blueprint_archive_events_unpublished ON blueprint_archive_events (changed_at) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blueprint_archive_events`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBlueprints1732300000000 implements MigrationInterface {
  name = 'CreateBlueprints1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blueprints (
        tenant_id text NOT NULL,
        name text NOT NULL,
        latest_version int NOT NULL CHECK (latest_version >= 1),
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, name)
      )`);
    await q.query(`
      CREATE TABLE blueprint_versions (
        tenant_id text NOT NULL,
        name text NOT NULL,
        version int NOT NULL CHECK (version >= 1),
        content_hash text NOT NULL,
        document jsonb NOT NULL,
        source text NOT NULL,
        format text NOT NULL CHECK (format IN ('yaml', 'json')),
        author text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        validation jsonb NOT NULL,
        published_at timestamptz,
        PRIMARY KEY (tenant_id, name, version),
        FOREIGN KEY (tenant_id, name) REFERENCES blueprints (tenant_id, name)
      )`);
    // Outbox: versions whose event has not reached JetStream yet.
    await q.query(`CREATE INDEX blueprint_versions_unpublished ON blueprint_versions (created_at) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blueprint_versions`);
    await q.query(`DROP TABLE blueprints`);
  }
}

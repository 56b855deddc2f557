import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateArtifacts1732400000000 implements MigrationInterface {
  name = 'CreateArtifacts1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE artifacts (
        tenant_id text NOT NULL,
        hash text NOT NULL CHECK (hash ~ '^sha256:[0-9a-f]{64}$'),
        blueprint_name text NOT NULL,
        blueprint_version int NOT NULL,
        artifact bytea NOT NULL,
        size int NOT NULL,
        source_key text NOT NULL,
        compiler_version text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, hash)
      )`);
    await q.query(`CREATE INDEX artifacts_tenant_source ON artifacts (tenant_id, source_key)`);
    await q.query(`CREATE INDEX artifacts_tenant_blueprint ON artifacts (tenant_id, blueprint_name, blueprint_version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE artifacts`);
  }
}

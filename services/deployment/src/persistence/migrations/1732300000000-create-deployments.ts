import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history of every deployment (kept for rollback, canaries and audit). At most one active
 * deployment per agent, enforced by a partial unique index.
 */
export class CreateDeployments1732300000000 implements MigrationInterface {
  name = 'CreateDeployments1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deployments (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        agent text NOT NULL,
        version int NOT NULL CHECK (version > 0),
        content_hash text NOT NULL,
        artifact_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'superseded')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        superseded_at timestamptz,
        superseded_by uuid REFERENCES deployments (id) DEFERRABLE INITIALLY DEFERRED
      )`);
    await q.query(`CREATE UNIQUE INDEX deployments_one_active_per_agent ON deployments (tenant_id, agent) WHERE status = 'active'`);
    await q.query(`CREATE INDEX deployments_tenant_agent_created ON deployments (tenant_id, agent, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deployments`);
  }
}

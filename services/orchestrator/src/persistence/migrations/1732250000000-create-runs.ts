import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRuns1732250000000 implements MigrationInterface {
  name = 'CreateRuns1732250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        agent text NOT NULL,
        version int NOT NULL,
        artifact_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        input jsonb NOT NULL,
        output jsonb,
        error jsonb,
        attempts int NOT NULL DEFAULT 0,
        trace_id text NOT NULL,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX runs_tenant_agent_created ON runs (tenant_id, agent, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE runs`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Episodic memory: one row per finished run (first final event wins, like the orchestrator),
 * searchable by full text through a generated tsvector with a GIN index.
 */
export class CreateEpisodes1732350000000 implements MigrationInterface {
  name = 'CreateEpisodes1732350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE episodes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        run_id text NOT NULL,
        agent text NOT NULL,
        version int NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
        attempt int NOT NULL DEFAULT 0,
        summary text NOT NULL,
        input jsonb,
        output jsonb,
        error jsonb,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, agent || ' ' || summary)) STORED,
        CONSTRAINT episodes_tenant_run UNIQUE (tenant_id, run_id)
      )`);
    await q.query(`CREATE INDEX episodes_tenant_agent_occurred ON episodes (tenant_id, agent, occurred_at DESC)`);
    await q.query(`CREATE INDEX episodes_tenant_occurred ON episodes (tenant_id, occurred_at DESC)`);
    await q.query(`CREATE INDEX episodes_search ON episodes USING GIN (search)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE episodes`);
  }
}

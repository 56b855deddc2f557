import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/**
 * Safe deployments: the lifecycle pending → warming → canary → active | failed | rolled_back |
 * superseded (existing rows are active/superseded/deactivated and stay valid), the settings each
 * deployment ran with (strategy, canary share, watch window, thresholds), what a rollback returns
 * to, the eval gate's report, and every transition (time, actor, reason, figures) in its own
 * table — which doubles as the outbox of af.v1.deployments.event.changed (published_at).
 */
export class DeploymentLifecycle1797000000000 implements MigrationInterface {
  name = 'DeploymentLifecycle1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments DROP CONSTRAINT IF EXISTS deployments_status_check`);
    await q.query(
      `ALTER TABLE deployments ADD CONSTRAINT deployments_status_check CHECK (status IN ('pending', 'warming', 'canary', 'active', 'failed', 'rolled_back', 'superseded', 'deactivated'))`,
    );
    await q.query(`
      ALTER TABLE deployments
        ADD COLUMN strategy text NOT NULL DEFAULT 'immediate' CHECK (strategy IN ('immediate', 'canary')),
        ADD COLUMN canary_percent int NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 99),
        ADD COLUMN window_seconds int NOT NULL DEFAULT 0 CHECK (window_seconds BETWEEN 0 AND 86400),
        ADD COLUMN thresholds jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN previous_deployment_id uuid,
        ADD COLUMN reason text,
        ADD COLUMN eval_report jsonb,
        ADD COLUMN window_ends_at timestamptz,
        ADD COLUMN window_closed boolean NOT NULL DEFAULT false,
        ADD COLUMN forced boolean NOT NULL DEFAULT false,
        ADD COLUMN swap_ms double precision NOT NULL DEFAULT 0,
        ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        ADD COLUMN transition_seq int NOT NULL DEFAULT 0`);
    await q.query(`UPDATE deployments SET status_changed_at = COALESCE(superseded_at, deactivated_at, created_at)`);
    await q.query(`CREATE UNIQUE INDEX deployments_one_canary_per_agent ON deployments (tenant_id, agent) WHERE status = 'canary'`);
    await q.query(`CREATE INDEX deployments_watched ON deployments (window_ends_at) WHERE status IN ('canary', 'active') AND window_ends_at IS NOT NULL AND NOT window_closed`);
    await q.query(`
      CREATE TABLE deployment_transitions (
        tenant_id text NOT NULL,
        deployment_id uuid NOT NULL REFERENCES deployments (id),
        seq int NOT NULL,
        from_status text,
        to_status text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        reason text NOT NULL DEFAULT '',
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        published_at timestamptz,
        PRIMARY KEY (deployment_id, seq)
      )`);
    await q.query(`CREATE INDEX deployment_transitions_unpublished ON deployment_transitions (at) WHERE published_at IS NULL`);
    await enableTenantIsolation(q, 'deployment_transitions');
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'deployment_transitions');
    await q.query(`DROP TABLE deployment_transitions`);
    await q.query(`DROP INDEX deployments_watched`);
    await q.query(`DROP INDEX deployments_one_canary_per_agent`);
    await q.query(`DELETE FROM deployments WHERE status NOT IN ('active', 'superseded', 'deactivated')`);
    await q.query(`
      ALTER TABLE deployments DROP COLUMN strategy, DROP COLUMN canary_percent, DROP COLUMN window_seconds, DROP COLUMN thresholds,
        DROP COLUMN previous_deployment_id, DROP COLUMN reason, DROP COLUMN eval_report, DROP COLUMN window_ends_at, DROP COLUMN window_closed,
        DROP COLUMN forced, DROP COLUMN swap_ms, DROP COLUMN status_changed_at, DROP COLUMN transition_seq`);
    await q.query(`ALTER TABLE deployments DROP CONSTRAINT deployments_status_check`);
    await q.query(`ALTER TABLE deployments ADD CONSTRAINT deployments_status_check CHECK (status IN ('active', 'superseded', 'deactivated'))`);
  }
}

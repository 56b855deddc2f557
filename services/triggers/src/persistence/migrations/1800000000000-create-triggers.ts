import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/**
 * Registered triggers (one row per trigger of an agent's active version), the ticks of schedules
 * already claimed (UNIQUE: a tick fires once across every instance) and the signatures of inbound
 * webhooks already used (UNIQUE: a replay is refused; pruned after 10 minutes). Row-level
 * security on every table.
 */
export class CreateTriggers1800000000000 implements MigrationInterface {
  name = 'CreateTriggers1800000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE triggers (
        tenant_id text NOT NULL,
        agent text NOT NULL,
        trigger_id text NOT NULL,
        type text NOT NULL CHECK (type IN ('schedule', 'event', 'webhook')),
        version int NOT NULL,
        deployment_id text NOT NULL,
        artifact_hash text NOT NULL,
        spec jsonb NOT NULL,
        next_fire_at timestamptz,
        last_fired_at timestamptz,
        fired bigint NOT NULL DEFAULT 0,
        missed bigint NOT NULL DEFAULT 0,
        active boolean NOT NULL DEFAULT true,
        registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (tenant_id, agent, trigger_id)
      )`);
    await q.query(`CREATE INDEX triggers_due ON triggers (next_fire_at) WHERE active AND type = 'schedule'`);
    await q.query(`CREATE INDEX triggers_events ON triggers (tenant_id) WHERE active AND type = 'event'`);
    await q.query(`
      CREATE TABLE trigger_ticks (
        tenant_id text NOT NULL,
        agent text NOT NULL,
        trigger_id text NOT NULL,
        tick_at timestamptz NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        run_id text NOT NULL DEFAULT '',
        PRIMARY KEY (tenant_id, agent, trigger_id, tick_at)
      )`);
    await q.query(`
      CREATE TABLE hook_nonces (
        tenant_id text NOT NULL,
        signature text NOT NULL,
        used_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (tenant_id, signature)
      )`);
    await q.query(`CREATE INDEX hook_nonces_age ON hook_nonces (used_at)`);
    for (const table of TABLES) await enableTenantIsolation(q, table);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await disableTenantIsolation(q, table);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}

const TABLES = ['triggers', 'trigger_ticks', 'hook_nonces'];

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/**
 * Budgets (a limit per tenant/agent and day/month), spend counters (spent and reserved per
 * period, kept whether or not a budget exists), reservations (one per model call about to be
 * made) and the usage ledger (one line per paid call). Money is NUMERIC(24, 9): exact, never float.
 * Row-level security on every table: each row belongs to one tenant.
 */
export class CreateMetering1800000000000 implements MigrationInterface {
  name = 'CreateMetering1800000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budgets (
        tenant_id text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('tenant', 'agent')),
        agent text NOT NULL,
        period text NOT NULL CHECK (period IN ('day', 'month')),
        limit_usd numeric(24, 9) NOT NULL CHECK (limit_usd >= 0),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_by text NOT NULL,
        PRIMARY KEY (tenant_id, scope, agent, period),
        CHECK ((scope = 'tenant') = (agent = ''))
      )`);
    await q.query(`
      CREATE TABLE spend_counters (
        tenant_id text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('tenant', 'agent')),
        agent text NOT NULL,
        period text NOT NULL CHECK (period IN ('day', 'month')),
        period_start date NOT NULL,
        spent_usd numeric(24, 9) NOT NULL DEFAULT 0 CHECK (spent_usd >= 0),
        reserved_usd numeric(24, 9) NOT NULL DEFAULT 0 CHECK (reserved_usd >= 0),
        PRIMARY KEY (tenant_id, scope, agent, period, period_start),
        CHECK ((scope = 'tenant') = (agent = ''))
      )`);
    await q.query(`
      CREATE TABLE reservations (
        tenant_id text NOT NULL,
        reservation_id text NOT NULL,
        run_id text NOT NULL,
        agent text NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        estimate_usd numeric(24, 9) NOT NULL CHECK (estimate_usd >= 0),
        status text NOT NULL CHECK (status IN ('open', 'settled', 'expired', 'refused')),
        refused_by jsonb,
        day_start date NOT NULL,
        month_start date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        expires_at timestamptz NOT NULL,
        settled_at timestamptz,
        PRIMARY KEY (tenant_id, reservation_id),
        CHECK ((status = 'refused') = (refused_by IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'open'`);
    await q.query(`
      CREATE TABLE usage_lines (
        tenant_id text NOT NULL,
        reservation_id text NOT NULL,
        run_id text NOT NULL,
        agent text NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        outcome text NOT NULL,
        input_tokens int NOT NULL CHECK (input_tokens >= 0),
        output_tokens int NOT NULL CHECK (output_tokens >= 0),
        cached_input_tokens int NOT NULL CHECK (cached_input_tokens >= 0),
        cost_usd numeric(24, 9) NOT NULL CHECK (cost_usd >= 0),
        at timestamptz NOT NULL,
        day date NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (tenant_id, reservation_id)
      )`);
    await q.query(`CREATE INDEX usage_lines_by_time ON usage_lines (tenant_id, at)`);
    await q.query(`CREATE INDEX usage_lines_by_agent ON usage_lines (tenant_id, agent, at)`);
    for (const table of TABLES) await enableTenantIsolation(q, table);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await disableTenantIsolation(q, table);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}

const TABLES = ['budgets', 'spend_counters', 'reservations', 'usage_lines'];

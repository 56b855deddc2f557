import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/**
 * Webhooks (a tenant's registered targets; soft-deleted so their delivery log stays readable) and
 * deliveries (one row per event and webhook, updated at each attempt; unique per (webhook, event),
 * so a redelivered event is never delivered twice). Row-level security on both.
 */
export class CreateWebhooks1801000000000 implements MigrationInterface {
  name = 'CreateWebhooks1801000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        tenant_id text NOT NULL,
        id uuid NOT NULL,
        url text NOT NULL CHECK (length(url) <= 2048),
        events text[] NOT NULL CHECK (cardinality(events) >= 1),
        agent text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        created_by text NOT NULL,
        deleted_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX webhooks_live ON webhooks (tenant_id) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE deliveries (
        tenant_id text NOT NULL,
        id uuid NOT NULL,
        webhook_id uuid NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        attempt int NOT NULL DEFAULT 0 CHECK (attempt >= 0),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
        response_status int NOT NULL DEFAULT 0,
        error text NOT NULL DEFAULT '',
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        delivered_at timestamptz,
        duration_ms double precision NOT NULL DEFAULT 0,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, webhook_id, event_id),
        FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying')`);
    await q.query(`CREATE INDEX deliveries_by_webhook ON deliveries (tenant_id, webhook_id, seq DESC)`);
    for (const table of TABLES) await enableTenantIsolation(q, table);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await disableTenantIsolation(q, table);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}

const TABLES = ['webhooks', 'deliveries'];

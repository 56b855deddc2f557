import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/**
 * Envelope encryption at rest: one data key per tenant (`tenant_keys`, stored only wrapped by the
 * master key named by master_key_id) and the tenants' secrets (`secrets`, each value sealed with
 * the tenant's data key: AES-256-GCM ciphertext, its 12-byte IV and 16-byte tag). Both tables
 * under row-level security.
 */
export class CreateSecrets1798000000000 implements MigrationInterface {
  name = 'CreateSecrets1798000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_keys (
        tenant_id text PRIMARY KEY,
        master_key_id text NOT NULL,
        wrapped_dek bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz
      )`);
    await q.query(`CREATE INDEX tenant_keys_by_master_key ON tenant_keys (master_key_id)`);
    await q.query(`
      CREATE TABLE secrets (
        tenant_id text NOT NULL REFERENCES tenant_keys (tenant_id),
        name text NOT NULL,
        version int NOT NULL CHECK (version >= 1),
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL CHECK (octet_length(iv) = 12),
        auth_tag bytea NOT NULL CHECK (octet_length(auth_tag) = 16),
        description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
        size int NOT NULL CHECK (size >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        PRIMARY KEY (tenant_id, name)
      )`);
    await enableTenantIsolation(q, 'tenant_keys');
    await enableTenantIsolation(q, 'secrets');
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'secrets');
    await disableTenantIsolation(q, 'tenant_keys');
    await q.query(`DROP TABLE secrets`);
    await q.query(`DROP TABLE tenant_keys`);
  }
}

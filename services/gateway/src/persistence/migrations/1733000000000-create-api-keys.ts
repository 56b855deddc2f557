import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys: only an HMAC-SHA256 of the key under the server's pepper is stored (README "API keys");
 * the key itself is shown once, at creation. `id` is the public part of the key (`afk_<id>_<secret>`).
 */
export class CreateApiKeys1733000000000 implements MigrationInterface {
  name = 'CreateApiKeys1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{24}$'),
        tenant_id text NOT NULL,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        roles text[] NOT NULL,
        secret_hash bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by text,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_created ON api_keys (tenant_id, created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}

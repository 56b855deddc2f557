import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/**
 * The audit log: one hash chain per tenant.
 *
 * - `audit_records`: append-only. The service's runtime role gets SELECT and INSERT only (see
 *   data-source.ts); a statement-level trigger refuses UPDATE, DELETE and TRUNCATE for every role
 *   but the table's owner and superusers (defence in depth, should a grant ever widen). The primary
 *   key (tenant_id, seq) refuses a second record at a position: two appenders can never fork a
 *   chain, even if the per-tenant lock were missing.
 * - `audit_heads`: the tenant's last seq and hash, updated in the append's transaction, so that
 *   deleting the last record(s) is detected too. SELECT, INSERT, UPDATE for the runtime role.
 * Both tables have row-level security per tenant (`af.tenant_id`), like every tenant table.
 */
export class CreateAuditLog1797000000000 implements MigrationInterface {
  name = 'CreateAuditLog1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_records (
        tenant_id text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        event_id text NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        outcome text NOT NULL,
        details_json text NOT NULL,
        at timestamptz NOT NULL,
        service text NOT NULL,
        correlation_id text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (tenant_id, seq),
        UNIQUE (tenant_id, event_id)
      )`);
    await q.query(`CREATE INDEX audit_records_by_action ON audit_records (tenant_id, action, seq DESC)`);
    await q.query(`CREATE INDEX audit_records_by_actor ON audit_records (tenant_id, actor, seq DESC)`);
    await q.query(`CREATE INDEX audit_records_by_resource ON audit_records (tenant_id, resource_type, resource_id, seq DESC)`);
    await q.query(`
      CREATE TABLE audit_heads (
        tenant_id text PRIMARY KEY,
        seq bigint NOT NULL CHECK (seq >= 1),
        hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper)
           OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
          RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit records are append-only: % refused for role %', TG_OP, current_user USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_records FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()`);
    await enableTenantIsolation(q, 'audit_records');
    await enableTenantIsolation(q, 'audit_heads');
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'audit_heads');
    await disableTenantIsolation(q, 'audit_records');
    await q.query(`DROP TRIGGER audit_records_append_only ON audit_records`);
    await q.query(`DROP FUNCTION audit_records_append_only()`);
    await q.query(`DROP TABLE audit_heads`);
    await q.query(`DROP TABLE audit_records`);
  }
}

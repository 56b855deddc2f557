import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { testTenant } from '@af/testing';
import { AuditService } from './audit.service.js';
import { sql, startAudit, type AuditUnderTest } from '../test/harness.js';

/** The database role the audit service runs as can read and append records, never change or remove one. */
describe('audit records are append-only for the service role', () => {
  let audit: AuditUnderTest;
  const tenant = parseTenantId(testTenant());

  beforeAll(async () => {
    audit = await startAudit();
    const service = audit.service.app.get(AuditService);
    for (let i = 1; i <= 3; i++) {
      await service.record(
        tenant,
        { $typeName: 'af.v1.AuditEvent', eventId: `e-${i}`, action: 'apikey.created', actor: 'alice', resourceType: 'apikey', resourceId: `k-${i}`, outcome: 'success', detailsJson: '{}', atMs: BigInt(Date.now()), service: 'gateway' },
        `c-${i}`,
      );
    }
  }, 60_000);

  afterAll(async () => {
    await audit?.stop();
  });

  /** As the service's runtime role, inside a transaction scoped to the tenant (row-level security lets it see the tenant's rows). */
  const asService = (statement: string) =>
    sql(audit.runtimeUrl, audit.schema, `BEGIN; SELECT set_config('af.tenant_id', '${tenant}', true); ${statement}; COMMIT`).then(
      () => null,
      (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
    );
  const owner = (statement: string) => sql(audit.ownerUrl, audit.schema, statement);

  it('runs as a role that is neither superuser nor BYPASSRLS, and reads its tenant rows', async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; n: string }>(
      audit.runtimeUrl,
      audit.schema,
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    expect(await asService(`SELECT count(*) FROM audit_records WHERE tenant_id = '${tenant}'`)).toBeNull();
  });

  it('UPDATE, DELETE and TRUNCATE of audit records fail as the service role (no grant)', async () => {
    for (const statement of [`UPDATE audit_records SET actor = 'mallory' WHERE tenant_id = '${tenant}'`, `DELETE FROM audit_records WHERE tenant_id = '${tenant}'`, `TRUNCATE audit_records`, `DELETE FROM audit_heads WHERE tenant_id = '${tenant}'`]) {
      expect(await asService(statement)).toEqual({ code: '42501', message: expect.stringMatching(/permission denied/) });
    }
    const { rows } = await owner(`SELECT seq, actor FROM audit_records WHERE tenant_id = '${tenant}' ORDER BY seq`);
    expect(rows).toEqual([1, 2, 3].map((seq) => ({ seq: String(seq), actor: 'alice' })));
  });

  it('defence in depth: even with UPDATE/DELETE/TRUNCATE granted by mistake, the trigger refuses them for anyone but the owner', async () => {
    const role = new URL(audit.runtimeUrl).username;
    await owner(`GRANT UPDATE, DELETE, TRUNCATE ON audit_records TO "${role}"`);
    try {
      for (const statement of [`UPDATE audit_records SET actor = 'mallory' WHERE tenant_id = '${tenant}'`, `DELETE FROM audit_records WHERE tenant_id = '${tenant}'`, `TRUNCATE audit_records`]) {
        expect(await asService(statement)).toEqual({ code: '42501', message: expect.stringMatching(/audit records are append-only: (UPDATE|DELETE|TRUNCATE) refused/) });
      }
    } finally {
      await owner(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM "${role}"`);
    }
    const { rows } = await owner(`SELECT count(*)::int AS n FROM audit_records WHERE tenant_id = '${tenant}'`);
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('row-level security: an unfiltered query as the service role sees only the scoped tenant, and nothing outside a scope', async () => {
    const other = parseTenantId(testTenant());
    await audit.service.app.get(AuditService).record(
      other,
      { $typeName: 'af.v1.AuditEvent', eventId: 'e-other', action: 'apikey.created', actor: 'olga', resourceType: 'apikey', resourceId: 'k', outcome: 'success', detailsJson: '{}', atMs: BigInt(Date.now()), service: 'gateway' },
      'c-other',
    );
    const scoped = (await sql(audit.runtimeUrl, audit.schema, `BEGIN; SELECT set_config('af.tenant_id', '${other}', true); SELECT tenant_id, count(*)::int AS n FROM audit_records GROUP BY tenant_id; SELECT tenant_id FROM audit_heads; COMMIT`)) as unknown as { rows: unknown[] }[];
    expect(scoped[2]!.rows).toEqual([{ tenant_id: other, n: 1 }]);
    expect(scoped[3]!.rows).toEqual([{ tenant_id: other }]);
    const unscoped = await sql(audit.runtimeUrl, audit.schema, `SELECT count(*)::int AS n FROM audit_records`);
    expect(unscoped.rows).toEqual([{ n: 0 }]);
  });

  it('the owner (migrations, the tamper tests) is not stopped by the trigger', async () => {
    const { rowCount } = await owner(`UPDATE audit_records SET actor = actor WHERE tenant_id = '${tenant}' AND seq = 1`);
    expect(rowCount).toBe(1);
  });
});

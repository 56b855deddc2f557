import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { leadQualifier } from '@af/testing';
import { api, mintToken, newTenant } from './client.js';

interface AuditItem {
  seq: number;
  eventId: string;
  action: string;
  actor: string;
}

/** The audit log through the gateway: blueprint changes recorded, the chain verified, tampering in PostgreSQL found. */
describe('audit log against the running mesh', () => {
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  /** As the database owner, on the mesh's audit schema: what an intruder with database access could do. */
  const owner = async (text: string, params: unknown[]) => {
    const client = new pg.Client({ connectionString: databaseUrl, options: '-c search_path=audit' });
    await client.connect();
    try {
      return await client.query(text, params);
    } finally {
      await client.end();
    }
  };

  it('records blueprint changes, verifies the chain, reports an altered and a deleted record exactly, and keeps tenants apart', async () => {
    const tenant = newTenant();
    const admin = await mintToken({ tenant, roles: ['Administrator'], sub: 'ada@acme.test' });
    const blueprint = leadQualifier({ name: 'audited' });
    expect((await api('POST', '/v1/blueprints', { token: admin, body: blueprint })).status).toBe(201);
    expect((await api('PUT', '/v1/blueprints/audited', { token: admin, body: { ...blueprint, metadata: { ...blueprint.metadata, description: 'second version' } } })).status).toBe(201);
    expect((await api('DELETE', '/v1/blueprints/audited', { token: admin })).status).toBe(200);

    let items: AuditItem[] = [];
    for (const deadline = Date.now() + 15_000; items.length < 3 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      items = (await api('GET', '/v1/audit', { token: admin })).body['items'] as AuditItem[];
    }
    expect(items.map((i) => [i.seq, i.action, i.eventId, i.actor])).toEqual([
      [3, 'blueprint.archived', expect.stringMatching(/^blueprint\.archived:/), 'ada@acme.test'],
      [2, 'blueprint.updated', 'blueprint.updated:audited:2', 'ada@acme.test'],
      [1, 'blueprint.created', 'blueprint.created:audited:1', 'ada@acme.test'],
    ]);
    expect((await api('GET', '/v1/audit?action=blueprint.updated', { token: admin })).body['items']).toEqual([expect.objectContaining({ seq: 2 })]);
    expect((await api('GET', '/v1/audit?limit=1000', { token: admin })).status).toBe(400);
    expect((await api('GET', '/v1/audit/verify', { token: admin })).body).toMatchObject({ valid: true, checked: 3, headSeq: 3, problems: [] });

    // A Viewer may not read the audit log; another tenant sees an empty one.
    const viewer = await mintToken({ tenant, roles: ['Viewer'] });
    expect((await api('GET', '/v1/audit', { token: viewer })).status).toBe(403);
    const stranger = await mintToken({ tenant: newTenant(), roles: ['Administrator'] });
    expect((await api('GET', '/v1/audit', { token: stranger })).body['items']).toEqual([]);
    expect((await api('GET', '/v1/audit/verify', { token: stranger })).body).toMatchObject({ valid: true, checked: 0 });

    // Changing one row directly in PostgreSQL: exactly that record is reported; undone, the chain is valid again.
    await owner(`UPDATE audit_records SET actor = 'mallory' WHERE tenant_id = $1 AND seq = 2`, [tenant]);
    const altered = await api('GET', '/v1/audit/verify', { token: admin });
    expect(altered.body).toMatchObject({ valid: false, problems: [{ seq: 2, eventId: 'blueprint.updated:audited:2', kind: 'altered' }] });
    expect(altered.body['problems']).toHaveLength(1);
    await owner(`UPDATE audit_records SET actor = 'ada@acme.test' WHERE tenant_id = $1 AND seq = 2`, [tenant]);
    expect((await api('GET', '/v1/audit/verify', { token: admin })).body).toMatchObject({ valid: true });

    // Deleting the last row: found against the head.
    await owner(`DELETE FROM audit_records WHERE tenant_id = $1 AND seq = 3`, [tenant]);
    const deleted = await api('GET', '/v1/audit/verify', { token: admin });
    expect(deleted.body).toMatchObject({ valid: false, checked: 2, headSeq: 3, problems: [{ seq: 3, kind: 'deleted' }] });
    expect(deleted.body['problems']).toHaveLength(1);
  }, 60_000);
});

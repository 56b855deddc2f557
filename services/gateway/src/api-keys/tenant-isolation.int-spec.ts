import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { gatewayDataSource } from '../persistence/data-source.js';
import { ApiKeyRepository } from './api-key.repository.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('gateway: row-level security on API keys, as the service role (real PostgreSQL)', () => {
  const schema = uniqueName('gateway_test');
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  let asService: DataSource;
  let sut: ApiKeyRepository;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the gateway boots with.
    asService = await openDataSource(gatewayDataSource(url, schema, 2));
    sut = new ApiKeyRepository(asService);
    for (const tenantId of [tenant, other]) {
      const id = randomBytes(12).toString('hex');
      ids.set(tenantId, id);
      await sut.insert(tenantId, { id, name: 'ci', roles: ['Developer'], secretHash: randomBytes(32), createdBy: 'admin@acme.example', expiresAt: null });
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it("api_keys: a raw query without a tenant filter, in a tenant transaction, returns only that tenant's keys; outside a scope none", async () => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT tenant_id, id FROM api_keys`))).toEqual([{ tenant_id: tenant, id: ids.get(tenant) }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM api_keys`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM api_keys`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM api_keys`))).toEqual([{ n: 2 }]);
  });

  it("cannot revoke another tenant's key; verification (system scope) finds any key; lastUsedAt is recorded across tenants", async () => {
    expect(await sut.revoke(tenant, ids.get(other)!, 'admin@acme.example')).toBeUndefined();
    expect((await sut.findForVerification(ids.get(other)!))?.tenantId).toBe(other);
    const at = new Date();
    await sut.recordUses([{ tenantId: tenant, id: ids.get(tenant)!, at }, { tenantId: other, id: ids.get(other)!, at }]);
    for (const tenantId of [tenant, other]) expect((await sut.list(tenantId)).map((k) => k.lastUsedAt?.getTime())).toEqual([at.getTime()]);
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE api_keys SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
  });
});

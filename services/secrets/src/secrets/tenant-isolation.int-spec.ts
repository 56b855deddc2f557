import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { LocalKeyWrapper } from '../crypto/key-wrapper.js';
import { secretsDataSource } from '../persistence/data-source.js';
import { DataKeys } from './data-keys.js';
import { SecretRepository } from './secret.repository.js';
import { sealValue } from '../crypto/secret-cipher.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('secrets: row-level security on tenant_keys and secrets, as the service role (real PostgreSQL)', () => {
  const schema = uniqueName('secrets_test');
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  let asService: DataSource;
  let sut: SecretRepository;
  const keys = new DataKeys(new LocalKeyWrapper(new Map([['k1', randomBytes(32)]]), 'k1'));

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the service boots with.
    asService = await openDataSource(secretsDataSource(url, schema, 2));
    sut = new SecretRepository(asService);
    for (const tenantId of [tenant, other]) {
      await sut.put(tenantId, 'db.password', { description: '', size: 5, updatedBy: 'test' }, 10, {
        createKey: () => keys.create(tenantId),
        seal: async (key, version) => {
          const { result, rewrapped } = await keys.using(tenantId, key, (dek) => sealValue(dek, { tenantId, name: 'db.password', version }, `v-${tenantId}`));
          return { sealed: result, rewrapped };
        },
      });
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it.each(['tenant_keys', 'secrets'])("%s: a raw query without a tenant filter, in a tenant transaction, returns only that tenant's rows; outside a scope none", async (table) => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: tenant }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM ${table}`))).toEqual([{ n: 2 }]);
  });

  it("the repository does not find, read or delete another tenant's secret; the service role cannot delete a data key", async () => {
    expect(await sut.find(tenant, 'db.password')).toMatchObject({ name: 'db.password', version: 1 });
    const sealed = await sut.sealed(tenant, ['db.password']);
    expect(sealed.rows).toHaveLength(1);
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE secrets SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
    await expect(withTenant(asService, tenant, (m) => m.query(`DELETE FROM tenant_keys WHERE tenant_id = $1`, [tenant]))).rejects.toThrow(/permission denied/);
  });

  it('a tenant holds at most the configured number of secrets (RESOURCE_EXHAUSTED past it); rotating an existing one still works', async () => {
    const seal = (tenantId: typeof tenant, name: string) => ({
      createKey: () => keys.create(tenantId),
      seal: async (key: Parameters<DataKeys['using']>[1], version: number) => {
        const { result, rewrapped } = await keys.using(tenantId, key, (dek) => sealValue(dek, { tenantId, name, version }, 'v'));
        return { sealed: result, rewrapped };
      },
    });
    const meta = { description: '', size: 1, updatedBy: 'test' };
    await sut.put(other, 'second', meta, 2, seal(other, 'second'));
    await expect(sut.put(other, 'third', meta, 2, seal(other, 'third'))).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect((await sut.put(other, 'second', meta, 2, seal(other, 'second'))).row.version).toBe(2);
  });
});

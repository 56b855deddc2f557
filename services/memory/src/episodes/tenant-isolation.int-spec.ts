import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { memoryDataSource } from '../persistence/data-source.js';
import { EpisodeRepository } from './episode.repository.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('memory: row-level security on episodes, as the service role (real PostgreSQL)', () => {
  const schema = uniqueName('memory_test');
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  let asService: DataSource;
  let sut: EpisodeRepository;

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the service boots with.
    asService = await openDataSource(memoryDataSource(url, schema, 2));
    sut = new EpisodeRepository(asService);
    for (const tenantId of [tenant, other]) {
      const episode = { runId: randomUUID(), agent: 'lead-qualifier', version: 1, outcome: 'succeeded' as const, attempt: 1, summary: 'qualified', input: null, output: null, error: null, occurredAt: new Date() };
      expect((await sut.record(tenantId, episode)).created).toBe(true);
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it("a raw query without a tenant filter, in a tenant transaction, returns only that tenant's episodes; outside a scope none", async () => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM episodes`))).toEqual([{ tenant_id: tenant }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM episodes`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM episodes`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM episodes`))).toEqual([{ n: 2 }]);
  });

  it("the repository lists only the tenant's episodes, and a write of another tenant's inside a tenant scope is refused", async () => {
    expect((await sut.list(tenant, { agent: '', limit: 10, text: '' })).map((e) => e.tenantId)).toEqual([tenant]);
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE episodes SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
  });
});

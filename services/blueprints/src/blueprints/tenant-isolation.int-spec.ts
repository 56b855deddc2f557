import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { runtimeAccess, withSystemScope, withTenant } from '@af/persistence';
import { testTenant } from '@af/testing';
import { DataSource } from 'typeorm';
import { blueprintsDataSource } from '../persistence/data-source.js';
import { blueprintYaml } from '../test/blueprint.builder.js';
import { developer, startWithValidation } from '../test/harness.js';

describe('blueprints: row-level security as the service role (real PostgreSQL)', () => {
  let env: Awaited<ReturnType<typeof startWithValidation>>;
  let asService: DataSource;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    env = await startWithValidation();
    for (const tenantId of [tenant, other]) {
      await env.client.bus.request('af.v1.blueprints.create', { source: blueprintYaml('lead-qualifier'), format: 'yaml', caller: developer }, { tenantId });
      await env.client.bus.request('af.v1.blueprints.archive', { name: 'lead-qualifier', expectedVersion: 0, caller: developer }, { tenantId });
    }
    // Exactly the connection the service runs with: its role, no SUPERUSER, no BYPASSRLS.
    const access = runtimeAccess(blueprintsDataSource(env.blueprints.databaseUrl, env.blueprints.schema));
    asService = new DataSource({ type: 'postgres', url: access.url, schema: env.blueprints.schema, extra: { options: `-c search_path=${env.blueprints.schema}` } });
    await asService.initialize();
  }, 60_000);

  afterAll(async () => {
    await asService?.destroy();
    await env?.stop();
  });

  it.each(['blueprints', 'blueprint_versions', 'blueprint_archive_events'])('%s: a raw query without a tenant filter, in a tenant transaction, returns only that tenant\'s rows', async (table) => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: tenant }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    const all: { tenant_id: string }[] = await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table} ORDER BY 1`));
    expect(all.map((r) => r.tenant_id)).toEqual([tenant, other].sort());
  });

  it("refuses another tenant's row written inside a tenant scope", async () => {
    await expect(withTenant(asService, tenant, (m) => m.query(`INSERT INTO blueprints (tenant_id, name, latest_version) VALUES ($1, 'planted', 1)`, [other]))).rejects.toThrow(/row-level security/);
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE blueprints SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
  });
});

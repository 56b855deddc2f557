import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompileRequestSchema, parseTenantId } from '@af/contracts';
import { runtimeAccess, withSystemScope, withTenant } from '@af/persistence';
import { testTenant } from '@af/testing';
import { DataSource } from 'typeorm';
import { compilationDataSource } from '../persistence/data-source.js';
import { leadQualifier, startCompilation } from '../test/harness.js';
import { ArtifactService } from './artifact.service.js';
import { canonicalJson, sha256 } from './canonical-json.js';

describe('compilation: row-level security as the service role (real PostgreSQL)', () => {
  let compilation: Awaited<ReturnType<typeof startCompilation>>;
  let asService: DataSource;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    compilation = await startCompilation();
    const sut = compilation.service.app.get(ArtifactService);
    const doc = leadQualifier();
    for (const tenantId of [tenant, other]) {
      await sut.compile(tenantId, create(CompileRequestSchema, { blueprintName: 'lead-qualifier', blueprintVersion: 1, contentHash: sha256(canonicalJson(doc)), documentJson: JSON.stringify(doc) }));
    }
    const access = runtimeAccess(compilationDataSource(compilation.config.database.url, compilation.schema));
    asService = new DataSource({ type: 'postgres', url: access.url, extra: { options: `-c search_path=${compilation.schema}` } });
    await asService.initialize();
  });

  afterAll(async () => {
    await asService?.destroy();
    await compilation?.stop();
  });

  it("artifacts: a raw query without a tenant filter, in a tenant transaction, returns only that tenant's rows; outside a scope none", async () => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM artifacts`))).toEqual([{ tenant_id: tenant }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM artifacts`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM artifacts`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM artifacts`))).toEqual([{ n: 2 }]);
  });

  it("refuses another tenant's artifact written inside a tenant scope", async () => {
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE artifacts SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
  });
});

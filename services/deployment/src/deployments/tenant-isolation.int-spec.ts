import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { loadDeploymentConfig } from '../config.js';
import { deploymentDataSource } from '../persistence/data-source.js';
import { DeploymentRepository } from './deployment.repository.js';

describe('deployment: row-level security as the service role (real PostgreSQL)', () => {
  const url = loadDeploymentConfig().database.url;
  const schema = uniqueName('deployment_test');
  let asService: DataSource;
  let sut: DeploymentRepository;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const hash = (c: string) => `sha256:${c.repeat(64)}`;

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the service boots with.
    asService = await openDataSource(deploymentDataSource(url, schema, 2));
    sut = new DeploymentRepository(asService);
    for (const tenantId of [tenant, other]) {
      const id = randomUUID();
      const thresholds = { maxFailureRate: 0.5, maxP95Ms: 0, minRuns: 5 };
      await sut.begin(tenantId, { id, agent: 'lead-qualifier', version: 1, contentHash: hash('a'), artifactHash: hash('b'), createdBy: 'dev@acme.example', strategy: 'immediate', canaryPercent: 0, windowSeconds: 0, thresholds, reason: 'test' });
      await sut.move(tenantId, id, 'pending', 'warming', { actor: 'dev@acme.example', reason: 'test' });
      await sut.switchTo(tenantId, id, 'dev@acme.example', {});
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it('runs as the service role, not the owner', async () => {
    expect(await asService.query(`SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`)).toEqual([{ role: `af_${schema}`, rolsuper: false, rolbypassrls: false }]);
  });

  it("deployments: a raw query without a tenant filter, in a tenant transaction, returns only that tenant's rows; outside a scope none", async () => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT tenant_id, agent, status FROM deployments`))).toEqual([{ tenant_id: tenant, agent: 'lead-qualifier', status: 'active' }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM deployments`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM deployments`)).toEqual([{ n: 0 }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM deployment_transitions`)).toEqual([{ n: 0 }]);
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM deployment_transitions`))).toEqual([{ tenant_id: tenant }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM deployments`))).toEqual([{ n: 2 }]);
  });

  it("the repository does not see another tenant's deployment, and a write of one inside a tenant scope is refused", async () => {
    const theirs = await sut.findActive(other, 'lead-qualifier');
    expect(await sut.find(tenant, theirs!.id)).toBeNull();
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE deployments SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
  });
});

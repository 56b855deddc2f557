import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema, activeDeploymentKey, kvBuckets, parseTenantId, type ActiveDeployment } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { KvBuckets } from '@af/messaging';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import { testTenant } from '@af/testing';
import type { DataSource } from 'typeorm';
import { connectClient, startOrchestrator } from '../test/harness.js';
import { routeRun } from './canary-routing.js';

describe('canary routing, pinning and in-flight counts against real NATS and PostgreSQL', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const agent = 'canary-agent';
  const stable = { deploymentId: 'dep-v1', agent, version: 1, artifactHash: 'sha256:v1', activatedAtMs: 1n };
  const withCanary = create(ActiveDeploymentSchema, { ...stable, canary: { deploymentId: 'dep-v2', version: 2, artifactHash: 'sha256:v2', percent: 20 } });

  async function register(tenantId: typeof tenant, entry: ActiveDeployment): Promise<void> {
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    await kv.put(activeDeploymentKey(tenantId, agent), toBinary(ActiveDeploymentSchema, entry));
  }

  beforeAll(async () => {
    // Room for 1000 queued runs of one tenant; dispatch only on demand (the runs stay queued).
    orchestrator = await startOrchestrator({ ORCHESTRATOR_TENANT_MAX_QUEUED: '5000', ORCHESTRATOR_TENANT_CONCURRENCY: '1', ORCHESTRATOR_DISPATCH_INTERVAL_MS: '3600000', ORCHESTRATOR_OUTBOX_INTERVAL_MS: '3600000' });
    client = await connectClient();
    await register(tenant, withCanary);
    await register(other, create(ActiveDeploymentSchema, { ...stable, deploymentId: 'dep-other', artifactHash: 'sha256:other' }));
  });

  afterAll(async () => {
    await client?.close();
    await orchestrator?.stop();
  });

  const submit = (tenantId: typeof tenant, extra: { idempotencyKey?: string; trigger?: string } = {}) =>
    client.bus.request('af.v1.runs.submit', { agent, inputJson: '{"n":1}', ...extra }, { tenantId });
  const get = async (runId: string) => (await client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant })).run!;

  it('routes 20 % ± 4 % of 1000 submissions to a 20 % canary, by run id, and pins each run to its side', async () => {
    const replies = [];
    for (let batch = 0; batch < 10; batch++) replies.push(...(await Promise.all(Array.from({ length: 100 }, () => submit(tenant)))));
    const canary = replies.filter((r) => r.version === 2);
    expect(replies.every((r) => r.version === 1 || r.version === 2)).toBe(true);
    expect(canary.length).toBeGreaterThanOrEqual(160);
    expect(canary.length).toBeLessThanOrEqual(240);
    // The side is a function of the run id alone.
    for (const r of replies) expect(r.version).toBe(routeRun(withCanary, r.runId).version);

    const db = orchestrator.service.app.get<DataSource>(DATA_SOURCE);
    const rows = (await withSystemScope(db, 'test: runs of a tenant by route', (m) =>
      m.query(`SELECT version, artifact_hash, deployment_id, canary, trigger, count(*)::int AS n FROM runs WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1`, [tenant]),
    )) as { version: number; artifact_hash: string; deployment_id: string; canary: boolean; trigger: string; n: number }[];
    expect(rows).toEqual([
      { version: 1, artifact_hash: 'sha256:v1', deployment_id: 'dep-v1', canary: false, trigger: 'api', n: 1000 - canary.length },
      { version: 2, artifact_hash: 'sha256:v2', deployment_id: 'dep-v2', canary: true, trigger: 'api', n: canary.length },
    ]);

    // In flight per version (queued, running and waiting count; final runs do not).
    const inflight = () => client.bus.request('af.v1.runs.versions.inflight', { agent }, { tenantId: tenant });
    expect((await inflight()).items).toEqual([
      expect.objectContaining({ version: 2, artifactHash: 'sha256:v2', inFlight: BigInt(canary.length) }),
      expect.objectContaining({ version: 1, artifactHash: 'sha256:v1', inFlight: BigInt(1000 - canary.length) }),
    ]);
    await client.bus.request('af.v1.runs.cancel', { runId: canary[0]!.runId, reason: 'test' }, { tenantId: tenant });
    expect((await inflight()).items[0]).toMatchObject({ version: 2, inFlight: BigInt(canary.length - 1) });
    // Another tenant's runs are not counted, nor are this tenant's seen by it.
    expect((await client.bus.request('af.v1.runs.versions.inflight', { agent }, { tenantId: other })).items).toEqual([]);
    await submit(other);
    expect((await client.bus.request('af.v1.runs.versions.inflight', { agent }, { tenantId: other })).items).toEqual([expect.objectContaining({ version: 1, artifactHash: 'sha256:other', inFlight: 1n })]);
  }, 120_000);

  it('exposes the route and the trigger on the run, and keeps the pin when the registry changes', async () => {
    const scheduled = await submit(tenant, { trigger: 'schedule:tr-1' });
    const run = await get(scheduled.runId);
    const side = routeRun(withCanary, scheduled.runId);
    expect(run).toMatchObject({ trigger: 'schedule:tr-1', deploymentId: side.deploymentId, canary: side.canary, version: side.version, artifactHash: side.artifactHash });

    // A rollback of the canary (the registry loses it): the stored run keeps its artifact.
    await register(tenant, create(ActiveDeploymentSchema, stable));
    expect(await get(scheduled.runId)).toMatchObject({ artifactHash: side.artifactHash, deploymentId: side.deploymentId });
    const after = await Promise.all(Array.from({ length: 50 }, () => submit(tenant)));
    expect(after.every((r) => r.version === 1)).toBe(true);
    await register(tenant, withCanary);
  });

  it('answers a replayed Idempotency-Key with the stored run on the same side', async () => {
    const first = await submit(tenant, { idempotencyKey: 'canary-key-1' });
    // Whatever the registry says now, the replay is the stored run.
    await register(tenant, create(ActiveDeploymentSchema, { ...stable, canary: { deploymentId: 'dep-v3', version: 3, artifactHash: 'sha256:v3', percent: 100 } }));
    const again = await submit(tenant, { idempotencyKey: 'canary-key-1' });
    expect(again).toMatchObject({ runId: first.runId, replayed: true, version: first.version });
    expect((await get(first.runId)).version).toBe(first.version);
    await register(tenant, withCanary);
  });

  it('refuses a malformed trigger', async () => {
    await expect(submit(tenant, { trigger: 'cron' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/trigger' });
    await expect(submit(tenant, { trigger: `webhook:${'x'.repeat(200)}` })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/trigger' });
  });
});

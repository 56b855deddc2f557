import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Msg, Subscription } from '@nats-io/nats-core';
import { ActiveDeploymentSchema, DeploymentChangedSchema, Headers, activeDeploymentKey, kvBuckets, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { KvBuckets, decode, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { connectClient, startDeployment } from '../test/harness.js';
import { answerUpstream, blueprint, type FakeBlueprint } from '../test/upstream-responders.js';

/** The lifecycle against real PostgreSQL and NATS; the worker (warm, evals) and the health service (stats) are stand-in responders. */
describe('deployment lifecycle: warm, eval gate, canary, automatic rollback, promotion, rollback, agent view', () => {
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let upstream: ReturnType<typeof answerUpstream>;
  let events: Subscription;
  const changed: Msg[] = [];
  const tenant = parseTenantId(testTenant());
  const noWorkers = parseTenantId(testTenant());
  /** `<agent>:<version>` → the health service's figures. */
  const figures = new Map<string, { runs: number; failed: number; failureRate: number; p95Ms: number }>();
  const catalog: Record<string, FakeBlueprint[]> = {
    [tenant]: [
      blueprint('plain', 1),
      blueprint('gated', 1, true, { evals: [{ name: 'greets' }, { name: 'answers', pass: false }] }),
      blueprint('canaried', 1),
      blueprint('canaried', 2),
      blueprint('promoted', 1),
      blueprint('promoted', 2, true, { deployment: { strategy: 'canary', canaryPercent: 30, windowSeconds: 1, thresholds: { minRuns: 2 } } }),
      blueprint('manual', 1),
      blueprint('manual', 2),
      blueprint('manual', 3),
    ],
    [noWorkers]: [blueprint('plain', 1)],
  };
  const dev = { subject: 'user:dev', roles: ['Developer'], permissions: [] };
  const admin = { subject: 'user:admin', roles: ['Administrator'], permissions: [] };
  const pm = { subject: 'user:pm', roles: ['ProductManager'], permissions: [] };
  const create = (agent: string, version: number, extra: Record<string, unknown> = {}, as = tenant) =>
    client.bus.request('af.v1.deployments.create', { agent, version, caller: dev, ...extra }, { tenantId: as });
  const registry = async (agent: string) => {
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    const entry = await kv.get(activeDeploymentKey(tenant, agent));
    return entry && entry.operation === 'PUT' ? decode(ActiveDeploymentSchema, entry.value) : null;
  };
  const byId = async (id: string) => (await client.bus.request('af.v1.deployments.get', { agent: '', deploymentId: id }, { tenantId: tenant })).deployment!;

  beforeAll(async () => {
    process.env.DEPLOYMENT_WATCH_INTERVAL_MS = '200';
    process.env.DEPLOYMENT_WARM_TIMEOUT_MS = '500';
    deployment = await startDeployment();
    client = await connectClient();
    upstream = answerUpstream(client.nc, new Set([tenant, noWorkers]), (t) => catalog[t] ?? [], {
      warm: (t) => t !== noWorkers,
      stats: (_t, request) =>
        request.versions.length === 0
          ? [...figures.entries()].filter(([k]) => k.startsWith(`${request.agent}:`)).map(([k, f]) => ({ version: Number(k.split(':')[1]), ...f, runs: BigInt(f.runs), failed: BigInt(f.failed) }))
          : request.versions.flatMap((v) => {
              const f = figures.get(`${request.agent}:${v}`);
              return f ? [{ version: v, ...f, runs: BigInt(f.runs), failed: BigInt(f.failed) }] : [];
            }),
    });
    events = client.nc.subscribe(processNamespace().subject('af.v1.deployments.event.changed'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) === tenant) changed.push(msg);
      },
    });
    await client.nc.flush();
  }, 60_000);

  afterAll(async () => {
    delete process.env.DEPLOYMENT_WATCH_INTERVAL_MS;
    delete process.env.DEPLOYMENT_WARM_TIMEOUT_MS;
    events?.unsubscribe();
    await upstream?.stop();
    await client?.close();
    await deployment?.stop();
  });

  it('immediate: warmed on a worker, switched, every transition recorded and announced', async () => {
    const reply = await create('plain', 1);
    expect(reply.created).toBe(true);
    const id = reply.deployment!.deploymentId;
    expect(reply.deployment).toMatchObject({ status: 'active', strategy: 'immediate', windowSeconds: 300, thresholds: { maxFailureRate: 0.5, minRuns: 5 } });
    expect(reply.deployment!.swapMs).toBeGreaterThan(0);
    expect(upstream.warmed).toContainEqual({ tenant, artifactHash: reply.deployment!.artifactHash });
    const stored = await byId(id);
    expect(stored.transitions.map((t) => [t.fromStatus, t.toStatus, t.actor])).toEqual([
      ['', 'pending', 'user:dev'],
      ['pending', 'warming', 'user:dev'],
      ['warming', 'active', 'user:dev'],
    ]);
    const msgIds = await until(
      async () => changed.map((m) => m.headers?.get(Headers.msgId)),
      (ids) => ids.includes(`deployment-changed:${id}:3`),
    );
    expect(msgIds).toEqual(expect.arrayContaining([`deployment-changed:${id}:1`, `deployment-changed:${id}:2`, `deployment-changed:${id}:3`]));
    const last = decode(DeploymentChangedSchema, changed.find((m) => m.headers?.get(Headers.msgId) === `deployment-changed:${id}:3`)!.data);
    expect(last.transition).toMatchObject({ fromStatus: 'warming', toStatus: 'active' });
    expect((await registry('plain'))?.deploymentId).toBe(id);
  });

  it('no live worker: the deployment fails with the reason and nothing is switched', async () => {
    await expect(create('plain', 1, {}, noWorkers)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    const [failed] = (await client.bus.request('af.v1.deployments.list', { agent: 'plain' }, { tenantId: noWorkers })).deployments;
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed!.reason).toMatch(/no live worker/);
  });

  it('failing evals block the deploy with the failing cases; a ProductManager cannot force; an Administrator can (audited, forced)', async () => {
    const refused = (await create('gated', 1).catch((e: unknown) => e)) as { code: string; details: { cases: { name: string; passed: boolean }[]; failed: number } };
    expect(refused.code).toBe(ErrorCode.ValidationFailed);
    expect(refused.details.failed).toBe(1);
    expect(refused.details.cases.filter((c) => !c.passed).map((c) => c.name)).toEqual(['answers']);
    const [failed] = (await client.bus.request('af.v1.deployments.list', { agent: 'gated' }, { tenantId: tenant })).deployments;
    expect(failed).toMatchObject({ status: 'failed', evalReport: { passed: false, total: 2, failed: 1 } });
    expect(await registry('gated')).toBeNull();

    await expect(create('gated', 1, { force: true, caller: pm })).rejects.toMatchObject({ code: ErrorCode.PermissionDenied, path: '/force' });
    const forced = await create('gated', 1, { force: true, caller: admin });
    expect(forced.deployment).toMatchObject({ status: 'active', forced: true, evalReport: { passed: false } });
    expect((await registry('gated'))?.deploymentId).toBe(forced.deployment!.deploymentId);

    const onDemand = await client.bus.request('af.v1.deployments.evals.run', { agent: 'gated', version: 0, caller: dev }, { tenantId: tenant });
    expect(onDemand.report).toMatchObject({ passed: false, total: 2, failed: 1 });
  });

  it('canary: the registry keeps the active version and carries the canary; over the thresholds it is rolled back automatically with the figures', async () => {
    const first = await create('canaried', 1);
    const canary = await create('canaried', 2, { strategy: 'canary', canaryPercent: 25, windowSeconds: 600 });
    expect(canary.deployment).toMatchObject({ status: 'canary', canaryPercent: 25, previousDeploymentId: first.deployment!.deploymentId });
    expect(canary.deployment!.windowEndsAt).not.toBe('');
    expect(await registry('canaried')).toMatchObject({ deploymentId: first.deployment!.deploymentId, version: 1, canary: { deploymentId: canary.deployment!.deploymentId, version: 2, percent: 25 } });

    figures.set('canaried:2', { runs: 10, failed: 8, failureRate: 0.8, p95Ms: 100 });
    const rolled = await until(() => byId(canary.deployment!.deploymentId), (d) => d.status === 'rolled_back', 10_000);
    expect(rolled.reason).toMatch(/automatic rollback: failure rate 0\.800/);
    const last = rolled.transitions.at(-1)!;
    expect(last).toMatchObject({ fromStatus: 'canary', toStatus: 'rolled_back', actor: 'system' });
    expect(JSON.parse(last.detailsJson)).toMatchObject({ runs: 10, failed: 8, failureRate: 0.8, automatic: true });
    const entry = await registry('canaried');
    expect(entry).toMatchObject({ deploymentId: first.deployment!.deploymentId, version: 1 });
    expect(entry?.canary).toBeUndefined();
    expect((await byId(first.deployment!.deploymentId)).status).toBe('active');
  });

  it('canary settings from spec.deployment; promoted automatically when its window ends within the thresholds', async () => {
    const first = await create('promoted', 1);
    const canary = await create('promoted', 2);
    expect(canary.deployment).toMatchObject({ status: 'canary', canaryPercent: 30, windowSeconds: 1, thresholds: { minRuns: 2 } });
    figures.set('promoted:2', { runs: 4, failed: 0, failureRate: 0, p95Ms: 50 });
    const promoted = await until(() => byId(canary.deployment!.deploymentId), (d) => d.status === 'active', 10_000);
    expect(promoted.transitions.at(-1)).toMatchObject({ fromStatus: 'canary', toStatus: 'active', actor: 'system', reason: 'window ended within thresholds: promoted' });
    expect((await byId(first.deployment!.deploymentId)).status).toBe('superseded');
    // The registry is written right after the promotion commits.
    const entry = await until(() => registry('promoted'), (e) => e?.deploymentId === canary.deployment!.deploymentId);
    expect(entry).toMatchObject({ deploymentId: canary.deployment!.deploymentId, version: 2 });
    expect(entry?.canary).toBeUndefined();
  });

  it('manual promotion, rollback to the previous version, and the agent view', async () => {
    const v1 = await create('manual', 1, { windowSeconds: 3600 });
    const v2 = await create('manual', 2, { windowSeconds: 3600 });
    const v3 = await create('manual', 3, { strategy: 'canary', canaryPercent: 40, windowSeconds: 3600 });
    figures.set('manual:2', { runs: 3, failed: 0, failureRate: 0, p95Ms: 10 });

    const view = (await client.bus.request('af.v1.deployments.agent.get', { agent: 'manual' }, { tenantId: tenant })).agent!;
    expect(view.active?.deploymentId).toBe(v2.deployment!.deploymentId);
    expect(view.canary?.deploymentId).toBe(v3.deployment!.deploymentId);
    expect(view.versions.map((v) => [v.version, v.role, v.percent])).toEqual([
      [3, 'canary', 40],
      [2, 'active', 60],
    ]);
    expect(view.versions.find((v) => v.version === 2)).toMatchObject({ runs: 3n, inFlightRuns: 0n });
    expect(view.health).toBe('healthy');

    const promoted = await client.bus.request('af.v1.deployments.promote', { agent: 'manual', deploymentId: v3.deployment!.deploymentId, caller: dev }, { tenantId: tenant });
    expect(promoted.deployment).toMatchObject({ status: 'active' });
    await expect(client.bus.request('af.v1.deployments.promote', { agent: 'manual', deploymentId: v1.deployment!.deploymentId, caller: dev }, { tenantId: tenant })).rejects.toMatchObject({
      code: ErrorCode.PreconditionFailed,
    });
    expect(await registry('manual')).toMatchObject({ deploymentId: v3.deployment!.deploymentId, version: 3 });

    const rolled = await client.bus.request('af.v1.deployments.rollback', { agent: 'manual', toVersion: 0, caller: dev, reason: 'answers got worse' }, { tenantId: tenant });
    expect(rolled.deployment).toMatchObject({ deploymentId: v3.deployment!.deploymentId, status: 'rolled_back', reason: 'answers got worse' });
    const reinstated = await byId(v2.deployment!.deploymentId);
    expect(reinstated.status).toBe('active');
    expect(reinstated.transitions.at(-1)).toMatchObject({ fromStatus: 'superseded', toStatus: 'active', actor: 'user:dev' });
    expect(await registry('manual')).toMatchObject({ deploymentId: v2.deployment!.deploymentId, version: 2 });

    // Back to version 1 explicitly; an unknown version is refused.
    await expect(client.bus.request('af.v1.deployments.rollback', { agent: 'manual', toVersion: 9, caller: dev, reason: '' }, { tenantId: tenant })).rejects.toMatchObject({ code: ErrorCode.NotFound, path: '/toVersion' });
    await client.bus.request('af.v1.deployments.rollback', { agent: 'manual', toVersion: 1, caller: dev, reason: '' }, { tenantId: tenant });
    expect(await registry('manual')).toMatchObject({ deploymentId: v1.deployment!.deploymentId, version: 1 });
  });
});

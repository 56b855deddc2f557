import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Msg, Subscription } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { ActiveDeploymentSchema, DeploymentChangedSchema, Headers, activeDeploymentKey, kvBuckets, parseTenantId } from '@af/contracts';
import { KvBuckets, decode, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { loadDeploymentConfig } from '../config.js';
import { connectClient, startDeployment } from '../test/harness.js';
import { answerUpstream, blueprint, type FakeBlueprint } from '../test/upstream-responders.js';
import { DeploymentWatch } from './deployment-watch.js';

/**
 * What the lifecycle recovers from or is told by others, against real PostgreSQL and NATS (worker
 * and health stand-ins as in the lifecycle spec): deployments whose deploying process died,
 * archive deactivation as recorded transitions, and the health monitor's unhealthy verdicts.
 * The watch loop's interval is long here: the spec runs its passes itself.
 */
describe('deployment recovery: interrupted deployments, archive deactivation, unhealthy verdicts', () => {
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let upstream: ReturnType<typeof answerUpstream>;
  let db: pg.Client;
  let events: Subscription;
  const changed: Msg[] = [];
  const tenant = parseTenantId(testTenant());
  const catalog: FakeBlueprint[] = [
    blueprint('swept', 1),
    blueprint('recent', 1),
    blueprint('waited', 1),
    blueprint('shelved', 1),
    blueprint('shelved', 2),
    blueprint('ailing', 1),
    blueprint('ailing', 2),
  ];
  const dev = { subject: 'user:dev', roles: ['Developer'], permissions: [] };
  const create = (agent: string, version: number, extra: Record<string, unknown> = {}) => client.bus.request('af.v1.deployments.create', { agent, version, caller: dev, ...extra }, { tenantId: tenant });
  const byId = async (id: string) => (await client.bus.request('af.v1.deployments.get', { agent: '', deploymentId: id }, { tenantId: tenant })).deployment!;
  const registry = async (agent: string) => {
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    const entry = await kv.get(activeDeploymentKey(tenant, agent));
    return entry && entry.operation === 'PUT' ? decode(ActiveDeploymentSchema, entry.value) : null;
  };
  const announced = (id: string, seq: number) =>
    until(
      async () => changed.find((m) => m.headers?.get(Headers.msgId) === `deployment-changed:${id}:${seq}`),
      (m) => m !== undefined,
    ).then((m) => decode(DeploymentChangedSchema, m!.data));
  /** Publishes an event and waits until the deployment service's consumer acknowledged it (applied). */
  const applied = async (consumer: string, publish: () => Promise<{ seq: number }>) => {
    const { seq } = await publish();
    const jsm = await jetstreamManager(client.nc);
    await until(
      () => jsm.consumers.info(processNamespace().streamName('AF_EVENTS'), consumer),
      (i) => i.ack_floor.stream_seq >= seq,
    );
  };

  /**
   * What a deploying process that died leaves behind: a deployment pending or warming (its
   * transitions recorded and announced), last moved `agoMs` ago.
   */
  async function orphan(agent: string, version: number, status: 'pending' | 'warming', agoMs: number): Promise<string> {
    const id = randomUUID();
    const at = new Date(Date.now() - agoMs);
    await db.query(
      `INSERT INTO deployments (id, tenant_id, agent, version, content_hash, artifact_hash, status, created_by, created_at, strategy, canary_percent, window_seconds, thresholds, status_changed_at, transition_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'user:gone', $8, 'immediate', 0, 300, '{"maxFailureRate":0.5,"maxP95Ms":0,"minRuns":5}', $8, $9)`,
      [id, tenant, agent, version, `sha256:${agent}-${version}`, `sha256:art-sha256:${agent}-${version}`, status, at, status === 'pending' ? 1 : 2],
    );
    await db.query(`INSERT INTO deployment_transitions (tenant_id, deployment_id, seq, from_status, to_status, at, actor, reason, published_at) VALUES ($1, $2, 1, NULL, 'pending', $3, 'user:gone', 'deploy', $3)`, [tenant, id, at]);
    if (status === 'warming') {
      await db.query(`INSERT INTO deployment_transitions (tenant_id, deployment_id, seq, from_status, to_status, at, actor, reason, published_at) VALUES ($1, $2, 2, 'pending', 'warming', $3, 'user:gone', 'warming', $3)`, [tenant, id, at]);
    }
    return id;
  }

  beforeAll(async () => {
    process.env.DEPLOYMENT_WATCH_INTERVAL_MS = '600000';
    process.env.DEPLOYMENT_WARM_TIMEOUT_MS = '500';
    deployment = await startDeployment();
    client = await connectClient();
    // Superuser, the service's schema: it plays the dead process's part of the history.
    db = new pg.Client({ connectionString: loadDeploymentConfig().database.url, options: `-c search_path=${deployment.schema}` });
    await db.connect();
    upstream = answerUpstream(client.nc, new Set([tenant]), () => catalog, { stats: () => [] });
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
    await db?.end();
    await upstream?.stop();
    await client?.close();
    await deployment?.stop();
  });

  it('the watch loop fails a deployment left warming beyond the bound as interrupted (system, recorded, announced), leaves a recent one alone, and a redeploy proceeds', async () => {
    const stuck = await orphan('swept', 1, 'warming', 3_600_000);
    const recent = await orphan('recent', 1, 'warming', 1_000);
    await deployment.service.app.get(DeploymentWatch).pass();

    const failed = await byId(stuck);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/^interrupted: warming for 3600 s without progress/);
    expect(failed.transitions.map((t) => [t.fromStatus, t.toStatus, t.actor])).toEqual([
      ['', 'pending', 'user:gone'],
      ['pending', 'warming', 'user:gone'],
      ['warming', 'failed', 'system'],
    ]);
    expect(JSON.parse(failed.transitions[2]!.detailsJson)).toMatchObject({ interrupted: true, status: 'warming', boundMs: 500 + 120_000 + 35_000 });
    expect((await announced(stuck, 3)).transition).toMatchObject({ fromStatus: 'warming', toStatus: 'failed', actor: 'system' });
    expect((await byId(recent)).status).toBe('warming');

    // A second pass finds nothing more to do.
    await deployment.service.app.get(DeploymentWatch).pass();
    expect((await byId(stuck)).transitions).toHaveLength(3);

    const again = await create('swept', 1);
    expect(again).toMatchObject({ created: true, deployment: { status: 'active', version: 1 } });
    expect(again.deployment!.deploymentId).not.toBe(stuck);
    expect((await registry('swept'))?.deploymentId).toBe(again.deployment!.deploymentId);
  });

  it('a deploy of the same version waiting for an interrupted deployment fails it itself and deploys', async () => {
    const stuck = await orphan('waited', 1, 'pending', 3_600_000);
    const reply = await create('waited', 1);
    expect(reply).toMatchObject({ created: true, deployment: { status: 'active' } });
    expect(reply.deployment!.deploymentId).not.toBe(stuck);
    const failed = await byId(stuck);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.reason).toMatch(/^interrupted: pending for 3600 s/);
    expect(failed.transitions.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'failed', actor: 'system' });
    await announced(stuck, 2);
  });

  it('archiving deactivates the active deployment and its canary as recorded, announced transitions (idempotent)', async () => {
    const v1 = (await create('shelved', 1)).deployment!;
    const v2 = (await create('shelved', 2, { strategy: 'canary', canaryPercent: 20, windowSeconds: 600 })).deployment!;
    expect(v2.status).toBe('canary');
    const changedAt = new Date().toISOString();
    const archive = (eventId: string) =>
      applied('deployment-blueprint-archived', () =>
        client.bus.publish('af.v1.blueprints.event.archived', { name: 'shelved', archived: true, latestVersion: 2, changedAt, changedBy: 'user:bob', eventId }, { msgId: `blueprint-archive-changed:${eventId}`, tenantId: tenant }),
      );
    await archive('e-shelved-1');

    const reason = `blueprint archived at ${changedAt} by user:bob`;
    for (const [d, from] of [
      [v1, 'active'],
      [v2, 'canary'],
    ] as const) {
      const after = await byId(d.deploymentId);
      expect(after).toMatchObject({ status: 'deactivated', reason });
      expect(after.transitions.at(-1)).toMatchObject({ fromStatus: from, toStatus: 'deactivated', actor: 'user:bob', reason });
      const event = await announced(d.deploymentId, after.transitions.length);
      expect(event).toMatchObject({ deployment: { status: 'deactivated' }, transition: { fromStatus: from, toStatus: 'deactivated', actor: 'user:bob' } });
    }
    expect(await registry('shelved')).toBeNull();

    // Delivered again: nothing more is recorded.
    await archive('e-shelved-1-redelivered');
    expect((await byId(v1.deploymentId)).transitions).toHaveLength(4);
    expect((await byId(v2.deploymentId)).transitions).toHaveLength(4);
  });

  it('an unhealthy verdict (no artifact hash) rolls back the version it names only within its window, once', async () => {
    const v1 = (await create('ailing', 1)).deployment!;
    // Its window closed by a manual promotion: the health monitor's verdicts about it change nothing.
    await client.bus.request('af.v1.deployments.promote', { agent: 'ailing', deploymentId: v1.deploymentId, caller: dev }, { tenantId: tenant });
    const v2 = (await create('ailing', 2, { strategy: 'canary', canaryPercent: 20, windowSeconds: 600 })).deployment!;
    const startedMs = Date.parse((await byId(v2.deploymentId)).transitions.at(-1)!.at);
    let n = 0;
    const unhealthy = (event: { version: number; artifactHash?: string; atMs?: number }) =>
      applied('deployment-agent-health', () =>
        client.bus.publish(
          'af.v1.health.event.unhealthy',
          { agent: 'ailing', version: event.version, artifactHash: event.artifactHash ?? '', failureRate: 0.9, p95Ms: 1200, runs: 20n, reason: 'failure rate 0.900 over 20 runs', atMs: BigInt(event.atMs ?? Date.now()) },
          { msgId: `unhealthy-test:${++n}`, tenantId: tenant },
        ),
      );

    await unhealthy({ version: 3 }); // not deployed
    await unhealthy({ version: 1 }); // active, window closed
    await unhealthy({ version: 2, atMs: startedMs - 60_000 }); // judged before this deployment served (an earlier one of version 2)
    await unhealthy({ version: 2, atMs: startedMs + 3_600_000 }); // judged after its window
    await unhealthy({ version: 2, artifactHash: 'sha256:another-artifact' }); // another build of version 2
    expect((await byId(v2.deploymentId)).status).toBe('canary');
    expect((await byId(v2.deploymentId)).transitions).toHaveLength(3);
    expect((await byId(v1.deploymentId)).status).toBe('active');

    await unhealthy({ version: 2 });
    const rolled = await byId(v2.deploymentId);
    expect(rolled).toMatchObject({ status: 'rolled_back', reason: 'health monitor: failure rate 0.900 over 20 runs' });
    expect(rolled.transitions.at(-1)).toMatchObject({ fromStatus: 'canary', toStatus: 'rolled_back', actor: 'system' });
    expect(JSON.parse(rolled.transitions.at(-1)!.detailsJson)).toMatchObject({ runs: 20, failureRate: 0.9, automatic: true });
    await announced(v2.deploymentId, 4);
    const entry = await until(() => registry('ailing'), (e) => e?.canary === undefined);
    expect(entry).toMatchObject({ deploymentId: v1.deploymentId, version: 1 });

    // The same verdict delivered again (another message): nothing more happens.
    await unhealthy({ version: 2 });
    expect((await byId(v2.deploymentId)).transitions).toHaveLength(4);
    expect((await byId(v1.deploymentId)).status).toBe('active');
  });
});

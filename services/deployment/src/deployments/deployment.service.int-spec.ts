import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Msg, Subscription } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { ActiveDeploymentSchema, DeploymentActivatedSchema, Headers, activeDeploymentKey, kvBuckets, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { KvBuckets, decode, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { connectClient, startDeployment } from '../test/harness.js';
import { answerUpstream, blueprint, type FakeBlueprint } from '../test/upstream-responders.js';

describe('deployment service against real NATS (JetStream, KV) and PostgreSQL', () => {
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let upstream: ReturnType<typeof answerUpstream>;
  let events: Subscription;
  const activated: Msg[] = [];
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const catalog: Record<string, FakeBlueprint[]> = {
    [tenant]: [blueprint('lead-qualifier', 1), blueprint('lead-qualifier', 2), blueprint('racer', 1), blueprint('racer', 2), blueprint('broken', 1, false), blueprint('admin-only', 1, true, { adminOnly: true }), blueprint('retired', 1, true, { archivedAt: '2026-01-01T00:00:00.000Z' }), blueprint('stampede', 1), blueprint('stampede', 2), blueprint('shelved', 1)],
    [other]: [blueprint('lead-qualifier', 1)],
  };
  const caller = { subject: 'user:alice', roles: ['Developer'], permissions: [] };
  const create = (agent: string, version = 0, as = tenant) => client.bus.request('af.v1.deployments.create', { agent, version, caller }, { tenantId: as });
  const activeInKv = async (agent: string, as = tenant) => {
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    const entry = await kv.get(activeDeploymentKey(as, agent));
    return entry && entry.operation === 'PUT' ? decode(ActiveDeploymentSchema, entry.value) : null;
  };

  beforeAll(async () => {
    deployment = await startDeployment();
    client = await connectClient();
    upstream = answerUpstream(client.nc, new Set([tenant, other]), (t) => catalog[t] ?? []);
    events = client.nc.subscribe(processNamespace().subject('af.v1.deployments.event.activated'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) === tenant) activated.push(msg);
      },
    });
    await client.nc.flush();
  });

  afterAll(async () => {
    events?.unsubscribe();
    await upstream?.stop();
    await client?.close();
    await deployment?.stop();
  });

  it('deploys the latest valid version: record, KV registry and activated event', async () => {
    const reply = await create('lead-qualifier');
    expect(reply.created).toBe(true);
    expect(reply.deployment).toMatchObject({ agent: 'lead-qualifier', version: 2, artifactHash: 'sha256:art-sha256:lead-qualifier-2', status: 'active', createdBy: 'user:alice', supersededAt: '' });
    expect(upstream.compiled).toContainEqual({ tenant, contentHash: 'sha256:lead-qualifier-2' });
    const id = reply.deployment?.deploymentId ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    expect(await activeInKv('lead-qualifier')).toMatchObject({ deploymentId: id, agent: 'lead-qualifier', version: 2, artifactHash: 'sha256:art-sha256:lead-qualifier-2' });
    expect((await activeInKv('lead-qualifier'))?.activatedAtMs).toBe(BigInt(Date.parse(reply.deployment?.createdAt ?? '')));

    const until = Date.now() + 5_000;
    while (!activated.some((m) => m.headers?.get(Headers.msgId) === `deployment-activated:${id}`) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const event = activated.find((m) => m.headers?.get(Headers.msgId) === `deployment-activated:${id}`);
    expect(event).toBeDefined();
    expect(decode(DeploymentActivatedSchema, event?.data ?? new Uint8Array()).deployment).toMatchObject({ deploymentId: id, version: 2, status: 'active' });

    // The other tenant's registry is untouched.
    expect(await activeInKv('lead-qualifier', other)).toBeNull();
  });

  it('supersedes the previous active deployment in one step and keeps the history', async () => {
    const second = await create('lead-qualifier', 2);
    const first = await create('lead-qualifier', 1);
    expect(first.created).toBe(true);
    expect(first.deployment).toMatchObject({ version: 1, status: 'active' });

    const history = await client.bus.request('af.v1.deployments.list', { agent: 'lead-qualifier' }, { tenantId: tenant });
    expect(history.deployments.map((d) => [d.version, d.status])).toEqual([
      [1, 'active'],
      [2, 'superseded'],
    ]);
    expect(history.deployments[1]?.deploymentId).toBe(second.deployment?.deploymentId);
    expect(history.deployments[1]?.supersededAt).not.toBe('');

    const active = await client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier' }, { tenantId: tenant });
    expect(active.deployment?.deploymentId).toBe(first.deployment?.deploymentId);
    const byId = await client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier', deploymentId: second.deployment?.deploymentId ?? '' }, { tenantId: tenant });
    expect(byId.deployment).toMatchObject({ version: 2, status: 'superseded' });
    expect((await activeInKv('lead-qualifier'))?.deploymentId).toBe(first.deployment?.deploymentId);
  });

  it('treats re-deploying the active version and artifact as a successful no-op', async () => {
    const before = await client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier' }, { tenantId: tenant });
    const again = await create('lead-qualifier', 1);
    expect(again.created).toBe(false);
    expect(again.deployment).toMatchObject({ deploymentId: before.deployment?.deploymentId, version: 1, status: 'active' });
    const history = await client.bus.request('af.v1.deployments.list', { agent: 'lead-qualifier', limit: 10 }, { tenantId: tenant });
    expect(history.deployments).toHaveLength(2);
  });

  it('serializes concurrent deployments of one agent: exactly one active, and the registry agrees', async () => {
    const replies = await Promise.all([create('racer', 1), create('racer', 2), create('racer', 1), create('racer', 2)]);
    expect(replies.every((r) => r.deployment?.status === 'active')).toBe(true);
    const history = await client.bus.request('af.v1.deployments.list', { agent: 'racer' }, { tenantId: tenant });
    const active = history.deployments.filter((d) => d.status === 'active');
    expect(active).toHaveLength(1);
    expect((await activeInKv('racer'))?.deploymentId).toBe(active[0]?.deploymentId);
  });

  it('answers 50 concurrent deploys of one agent version with one deployment record, never a wedge, and keeps answering', async () => {
    const started = Date.now();
    const replies = await Promise.allSettled(Array.from({ length: 50 }, () => create('stampede', 1)));
    const elapsed = Date.now() - started;
    const failures = replies.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code?: string; message?: string });
    expect(failures).toEqual([]);
    const answered = replies.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof create>>>).value);
    const ids = new Set(answered.map((r) => r.deployment?.deploymentId));
    expect(ids.size).toBe(1);
    expect(answered.filter((r) => r.created)).toHaveLength(1);
    expect(elapsed).toBeLessThan(15_000);

    const history = await client.bus.request('af.v1.deployments.list', { agent: 'stampede', limit: 100 }, { tenantId: tenant });
    expect(history.deployments.map((d) => [d.version, d.status])).toEqual([[1, 'active']]);
    expect((await activeInKv('stampede'))?.deploymentId).toBe([...ids][0]);

    // Then 50 more, split over two versions: every one answered, one active record, and the registry agrees with it.
    const mixed = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => create('stampede', 1 + (i % 2))));
    expect(mixed.filter((r) => r.status === 'rejected')).toEqual([]);
    const after = await client.bus.request('af.v1.deployments.list', { agent: 'stampede', limit: 100 }, { tenantId: tenant });
    const active = after.deployments.filter((d) => d.status === 'active');
    expect(active).toHaveLength(1);
    expect((await activeInKv('stampede'))?.deploymentId).toBe(active[0]?.deploymentId);

    // The service still answers, promptly.
    const asked = Date.now();
    const current = await client.bus.request('af.v1.deployments.get', { agent: 'stampede' }, { tenantId: tenant });
    expect(current.deployment?.deploymentId).toBe(active[0]?.deploymentId);
    expect(Date.now() - asked).toBeLessThan(1_000);
  });

  it('refuses an invalid blueprint with its validation report, and nothing is recorded', async () => {
    const error = await create('broken').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.ValidationFailed });
    expect((error as { details: unknown }).details).toMatchObject({ valid: false, errors: [{ code: 'SCHEMA_REQUIRED', path: '/spec/model' }] });
    expect((await client.bus.request('af.v1.deployments.list', { agent: 'broken' }, { tenantId: tenant })).deployments).toEqual([]);
    expect(await activeInKv('broken')).toBeNull();
  });

  it('refuses to deploy an archived blueprint (409)', async () => {
    await expect(create('retired')).rejects.toMatchObject({ code: ErrorCode.Conflict, path: '/agent' });
  });

  it('deactivates the active deployment of an archived blueprint (idempotent); a later deployment survives a late event', async () => {
    const deployed = await create('shelved');
    expect(await activeInKv('shelved')).not.toBeNull();
    const ns = processNamespace();
    const jsm = await jetstreamManager(client.nc);
    const consumer = () => jsm.consumers.info(ns.streamName('AF_EVENTS'), 'deployment-blueprint-archived');
    const archive = async (changedAt: string, eventId: string) => {
      const { seq } = await client.bus.publish(
        'af.v1.blueprints.event.archived',
        { name: 'shelved', archived: true, latestVersion: 1, changedAt, changedBy: 'user:bob', eventId },
        { msgId: `blueprint-archive-changed:${eventId}`, tenantId: tenant },
      );
      // Applied = acknowledged by the deployment service's consumer.
      const info = await until(consumer, (i) => i.ack_floor.stream_seq >= seq);
      expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(seq);
    };
    const history = async () => (await client.bus.request('af.v1.deployments.list', { agent: 'shelved', limit: 10 }, { tenantId: tenant })).deployments;

    const archivedAt = new Date().toISOString();
    await archive(archivedAt, 'e-archive-1');
    expect(await activeInKv('shelved')).toBeNull();
    expect(await history()).toMatchObject([{ deploymentId: deployed.deployment?.deploymentId, status: 'deactivated' }]);
    await expect(client.bus.request('af.v1.deployments.get', { agent: 'shelved', deploymentId: '' }, { tenantId: tenant })).rejects.toMatchObject({ code: ErrorCode.NotDeployed });

    // The same transition delivered again changes nothing.
    await archive(archivedAt, 'e-archive-1-redelivered');
    expect(await history()).toHaveLength(1);

    // Restored and deployed again: a late copy of the old archive event leaves the new deployment active.
    const again = await create('shelved');
    await archive(archivedAt, 'e-archive-1-late');
    expect(await activeInKv('shelved')).toMatchObject({ deploymentId: again.deployment?.deploymentId });
    expect((await history())[0]).toMatchObject({ deploymentId: again.deployment?.deploymentId, status: 'active' });
  });

  it('answers NOT_FOUND for an unknown blueprint or version, and refuses bad input', async () => {
    await expect(create('nobody')).rejects.toMatchObject({ code: ErrorCode.NotFound, path: '/agent' });
    await expect(create('Not A Label')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/agent' });
    await expect(create('lead-qualifier', -1)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/version' });
  });

  it('keeps tenants apart: another tenant sees neither the deployment nor the agent as deployed', async () => {
    const mine = await client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier' }, { tenantId: tenant });
    await expect(client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier', deploymentId: mine.deployment?.deploymentId ?? '' }, { tenantId: other })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await expect(client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier' }, { tenantId: other })).rejects.toMatchObject({ code: ErrorCode.NotDeployed, path: '/agent' });
    await expect(client.bus.request('af.v1.deployments.get', { agent: 'lead-qualifier' })).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });
});

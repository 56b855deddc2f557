import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { parseTenantId } from '@af/contracts';
import { AppError } from '@af/errors';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import { testTenant, until, type ServiceProcess } from '@af/testing';
import { Dispatcher } from './dispatcher.js';
import { admin, connectClient, startReceiver, startSecrets, startWebhooks } from '../test/harness.js';

const SECRET = `whsec-${randomBytes(16).toString('hex')}`;

/** The webhooks service against real PostgreSQL, NATS, the real secrets process and a local receiver (127.0.0.1 allowed by the operator list). */
describe('webhooks: signed, retried, logged, SSRF-safe deliveries', () => {
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;
  let secrets: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    receiver = await startReceiver();
    [secrets, webhooks] = await Promise.all([
      startSecrets(),
      startWebhooks({ WEBHOOKS_ALLOW_HOSTS: '127.0.0.1', WEBHOOKS_RETRY_BASE_MS: '50', WEBHOOKS_RETRY_MAX_MS: '200', WEBHOOKS_MAX_ATTEMPTS: '4', WEBHOOKS_DISPATCH_INTERVAL_MS: '50', WEBHOOKS_TIMEOUT_MS: '2000' }),
    ]);
    client = await connectClient();
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await webhooks?.stop();
    await secrets?.stop();
    await receiver?.stop();
  });

  const create = (input: { url: string; events: string[]; agent?: string; secret?: string }, tenantId: string = tenant) =>
    client.bus.request('af.v1.webhooks.create', { url: input.url, events: input.events, agent: input.agent ?? '', secret: input.secret ?? SECRET, description: 'test', caller: admin }, { tenantId });
  const deliveries = (webhookId: string, tenantId: string = tenant, limit = 100, after = '') => client.bus.request('af.v1.webhooks.deliveries.list', { webhookId, limit, after }, { tenantId });
  const runSucceeded = (runId: string, agent: string, msgId = `t-succ-${runId}`, tenantId: string = tenant) =>
    client.bus.publish('af.v1.runs.event.succeeded', { runId, attempt: 1, outputJson: '{"score":87}', agent, version: 3, atMs: BigInt(Date.now()), inputJson: '{}' }, { msgId, tenantId });
  const deploymentChanged = (agent: string, to: string, tenantId: string = tenant) => {
    const deploymentId = randomUUID();
    return client.bus.publish(
      'af.v1.deployments.event.changed',
      { deployment: { deploymentId, agent, version: 2, status: to, strategy: 'canary', canaryPercent: 10 }, transition: { fromStatus: 'warming', toStatus: to, at: new Date().toISOString(), actor: 'system', reason: 'warm' } },
      { msgId: `t-dep-${deploymentId}`, tenantId },
    );
  };
  const errorOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      return error as AppError;
    }
    throw new Error('expected an error');
  };
  const forPath = (path: string) => receiver.received.filter((r) => r.path === path);

  it('delivers a run event as a signed POST the receiver verifies; the secret is never in a reply or a table', async () => {
    const hook = (await create({ url: `${receiver.url}/signed`, events: ['run.succeeded'] })).webhook!;
    expect(hook).toMatchObject({ url: `${receiver.url}/signed`, events: ['run.succeeded'], agent: '', createdBy: admin.subject });
    const runId = randomUUID();
    await runSucceeded(runId, 'lead-qualifier');
    const [got] = await until(async () => forPath('/signed'), (r) => r.length >= 1);
    const body = got!.body;
    const signature = String(got!.headers['x-af-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
    expect(createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')).toBe(v1);
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['x-af-event-type']).toBe('run.succeeded');
    const parsed = JSON.parse(body) as { id: string; type: string; tenant: string; createdAt: string; data: { runId: string; outputJson: string; agent: string } };
    expect(parsed).toMatchObject({ id: got!.headers['x-af-event-id'], type: 'run.succeeded', tenant, data: { runId, outputJson: '{"score":87}', agent: 'lead-qualifier' } });
    const log = await until(() => deliveries(hook.id), (r) => r.items[0]?.status === 'delivered');
    expect(log.items).toEqual([expect.objectContaining({ webhookId: hook.id, eventId: parsed.id, eventType: 'run.succeeded', attempt: 1, status: 'delivered', responseStatus: 200, error: '' })]);

    const replies = [await client.bus.request('af.v1.webhooks.get', { id: hook.id }, { tenantId: tenant }), await client.bus.request('af.v1.webhooks.list', {}, { tenantId: tenant }), log];
    for (const reply of replies) expect(JSON.stringify(reply, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(SECRET);
    const db = webhooks.service.app.get<DataSource>(DATA_SOURCE);
    const dump = await withSystemScope(db, 'test: dump tables', async (m) => JSON.stringify([await m.query(`SELECT * FROM ${webhooks.schema}.webhooks`), await m.query(`SELECT * FROM ${webhooks.schema}.deliveries`)]));
    expect(dump).not.toContain(SECRET);
  });

  it('retries a non-2xx answer with backoff: 500, 500, then 200 → three attempts, delivered; a redelivered event is not delivered twice', async () => {
    const hook = (await create({ url: `${receiver.url}/flaky`, events: ['run.*'] })).webhook!;
    receiver.script.set('/flaky', [500, 500, 200]);
    const runId = randomUUID();
    await runSucceeded(runId, 'lead-qualifier');
    const log = await until(() => deliveries(hook.id), (r) => r.items[0]?.status === 'delivered');
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ attempt: 3, status: 'delivered', responseStatus: 200 });
    const hits = forPath('/flaky');
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.headers['x-af-event-id'])).size).toBe(1);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(hits[1]!.at - hits[0]!.at - 20);

    // The same event again (another JetStream message: a publisher retry outside the dedup window).
    await runSucceeded(runId, 'lead-qualifier', `t-again-${runId}`);
    const marker = randomUUID();
    await runSucceeded(marker, 'lead-qualifier');
    await until(() => deliveries(hook.id), (r) => r.items.length === 2 && r.items.every((i) => i.status === 'delivered'));
    expect(forPath('/flaky').filter((h) => JSON.parse(h.body).data.runId === runId)).toHaveLength(3);
  });

  it('gives up after WEBHOOKS_MAX_ATTEMPTS and does not follow redirects', async () => {
    const hook = (await create({ url: `${receiver.url}/down`, events: ['run.failed'] })).webhook!;
    receiver.script.set('/down', [302, 503, 503, 503, 503]);
    await client.bus.publish('af.v1.runs.event.failed', { runId: randomUUID(), attempt: 1, agent: 'lead-qualifier', version: 1, atMs: BigInt(Date.now()), error: { code: 'TIMEOUT', message: 'slow' } }, { msgId: `t-f-${randomUUID()}`, tenantId: tenant });
    const log = await until(() => deliveries(hook.id), (r) => r.items[0]?.status === 'failed');
    expect(log.items[0]).toMatchObject({ attempt: 4, status: 'failed', responseStatus: 503, nextAttemptAt: '' });
    expect(forPath('/down')).toHaveLength(4);
    expect(receiver.received.some((r) => r.path === '/' )).toBe(false);
  });

  it('refuses a private or metadata URL at create without the allowlist, and a name resolving to a private address at delivery', async () => {
    for (const url of ['http://10.0.0.7/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9000/hook', 'http://localhost:9000/x', 'ftp://example.com/x', `http://example.com/${'x'.repeat(2100)}`]) {
      const error = await errorOf(create({ url, events: ['run.*'] }));
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/url' });
    }
    const hook = (await create({ url: 'http://hooks.internal.example/in', events: ['run.cancelled'] })).webhook!;
    const dispatcher = webhooks.service.app.get(Dispatcher);
    dispatcher.resolver = async () => [{ address: '10.1.2.3', family: 4 }];
    try {
      await client.bus.publish('af.v1.runs.event.cancelled', { runId: randomUUID(), reason: 'x', agent: 'a', version: 1, atMs: BigInt(Date.now()), cancelledBy: 'x' }, { msgId: `t-c-${randomUUID()}`, tenantId: tenant });
      const log = await until(() => deliveries(hook.id), (r) => r.items[0]?.status === 'failed');
      expect(log.items[0]).toMatchObject({ status: 'failed', responseStatus: 0, attempt: 4 });
      expect(log.items[0]!.error).toMatch(/target refused: hooks\.internal\.example refused: 10\.1\.2\.3 is a private address/);
    } finally {
      dispatcher.resolver = (await import('./target-guard.js')).systemResolver;
    }
  });

  it('validates events, secret size and agent; respects the event and agent filters', async () => {
    expect(await errorOf(create({ url: `${receiver.url}/x`, events: ['run.started'] }))).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/events/0' });
    expect(await errorOf(create({ url: `${receiver.url}/x`, events: [] }))).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/events' });
    expect(await errorOf(create({ url: `${receiver.url}/x`, events: ['run.*'], secret: 'short' }))).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/secret' });
    expect(await errorOf(create({ url: `${receiver.url}/x`, events: ['run.*'], agent: 'Not An Agent' }))).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/agent' });

    const alphaDeploys = (await create({ url: `${receiver.url}/alpha-deploys`, events: ['deployment.*'], agent: 'alpha' })).webhook!;
    const canaries = (await create({ url: `${receiver.url}/canaries`, events: ['deployment.canary'] })).webhook!;
    const failures = (await create({ url: `${receiver.url}/failures`, events: ['run.failed'], agent: 'alpha' })).webhook!;
    await deploymentChanged('beta', 'active');
    await deploymentChanged('alpha', 'canary');
    await runSucceeded(randomUUID(), 'alpha');
    await until(() => deliveries(canaries.id), (r) => r.items.length === 1 && r.items[0]!.status === 'delivered');
    await until(() => deliveries(alphaDeploys.id), (r) => r.items.length === 1 && r.items[0]!.status === 'delivered');
    // A later marker event that reaches `alphaDeploys`: everything published before it has been taken in.
    await deploymentChanged('alpha', 'active');
    await until(() => deliveries(alphaDeploys.id), (r) => r.items.length === 2 && r.items.every((i) => i.status === 'delivered'));
    expect((await deliveries(alphaDeploys.id)).items.map((i) => i.eventType)).toEqual(['deployment.active', 'deployment.canary']);
    expect((await deliveries(canaries.id)).items.map((i) => i.eventType)).toEqual(['deployment.canary']);
    expect((await deliveries(failures.id)).items).toEqual([]);
    const page1 = await deliveries(alphaDeploys.id, tenant, 1);
    const page2 = await deliveries(alphaDeploys.id, tenant, 1, page1.next);
    expect([page1.items[0]!.eventType, page2.items[0]!.eventType, page2.next]).toEqual(['deployment.active', 'deployment.canary', '']);
  });

  it('isolates tenants: another tenant neither sees the webhook and its log nor triggers it; delete removes the webhook and its secret', async () => {
    const hook = (await create({ url: `${receiver.url}/mine`, events: ['run.succeeded'] })).webhook!;
    expect(await errorOf(client.bus.request('af.v1.webhooks.get', { id: hook.id }, { tenantId: other }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(client.bus.request('af.v1.webhooks.delete', { id: hook.id, caller: admin }, { tenantId: other }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(deliveries(hook.id, other))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await client.bus.request('af.v1.webhooks.list', {}, { tenantId: other })).items).toEqual([]);
    const otherHook = (await create({ url: `${receiver.url}/theirs`, events: ['run.succeeded'] }, other)).webhook!;
    await runSucceeded(randomUUID(), 'lead-qualifier', undefined, other);
    await until(() => deliveries(otherHook.id, other), (r) => r.items[0]?.status === 'delivered');
    expect((await deliveries(hook.id)).items).toEqual([]);

    const deleted = await client.bus.request('af.v1.webhooks.delete', { id: hook.id, caller: admin }, { tenantId: tenant });
    expect(deleted.webhook!.id).toBe(hook.id);
    expect(await errorOf(client.bus.request('af.v1.webhooks.get', { id: hook.id }, { tenantId: tenant }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(client.bus.request('af.v1.secrets.get', { name: `webhook.${hook.id}` }, { tenantId: tenant }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await client.bus.request('af.v1.secrets.get', { name: `webhook.${otherHook.id}` }, { tenantId: other })).secret!.name).toBe(`webhook.${otherHook.id}`);
  });
});

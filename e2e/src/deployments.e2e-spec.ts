import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { api, createAndDeploy, gatewayUrl, mintToken, newTenant, until, waitForRun, type ApiResponse } from './client.js';

/**
 * Issue 11 through the gateway against the running mesh: the eval gate (a failing eval blocks a
 * deploy, an Administrator's force is audited), a canary with its agent view, promotion and
 * rollback, outbound webhooks (signed, retried after a 500), inbound signed webhooks and a schedule
 * trigger that start runs recording their trigger. The steady-stream swap (0 lost, pinned versions)
 * and automatic rollback run in the chaos suite (chaos/src/deploy-swap.chaos-spec.ts).
 */

type Doc = ReturnType<typeof leadQualifier>;
const spec = (doc: Doc) => doc.spec as Record<string, unknown>;
const sign = (secret: string, body: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

async function saveVersion(token: string, doc: Doc): Promise<void> {
  const name = doc.metadata.name;
  const existing = await api('GET', `/v1/blueprints/${name}`, { token });
  const res = existing.status === 404 ? await api('POST', '/v1/blueprints', { token, body: doc }) : await api('PUT', `/v1/blueprints/${name}`, { token, body: doc });
  if (res.status !== 201 && res.status !== 200) throw new Error(`saving ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

describe('safe deployments through the gateway', () => {
  it('blocks a deploy whose evals fail, with the failing case; an Administrator may force it, and the force is audited', async () => {
    const tenant = newTenant();
    const admin = await mintToken({ tenant, sub: 'ada@acme.test' });
    const pm = await mintToken({ tenant, roles: ['ProductManager'], sub: 'pat@acme.test' });
    const doc = leadQualifier({ name: 'gated' });
    spec(doc)['evals'] = [
      { name: 'answers', input: { message: 'hello there' }, expect: { $schema: { type: 'object', required: ['qualified'] } } },
      { name: 'impossible', input: { message: 'hi' }, expect: { $predicates: [{ path: '/score', op: 'gt', value: 1000 }] } },
    ];
    await saveVersion(admin, doc);

    const onDemand = await api('POST', '/v1/agents/gated/evals', { token: admin, body: {} });
    expect(onDemand.status).toBe(200);
    expect(onDemand.body).toMatchObject({ passed: false, total: 2, failed: 1 });

    const blocked = await api('POST', '/v1/agents/gated/deployments', { token: admin, body: {} });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error?.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(blocked.body.error?.details)).toContain('impossible');
    expect(JSON.stringify(blocked.body.error?.details)).toContain('/score');

    expect((await api('POST', '/v1/agents/gated/deployments', { token: pm, body: { force: true } })).status).toBe(403);
    const forced = await api('POST', '/v1/agents/gated/deployments', { token: admin, body: { force: true } });
    expect(forced.status).toBe(201);
    expect(forced.body).toMatchObject({ status: 'active', forced: true });
    const audited = await until(
      () => api('GET', '/v1/audit?action=deployment.forced', { token: admin }),
      (res) => JSON.stringify(res.body).includes('deployment.forced'),
      20_000,
    );
    const forcedRecord = (audited.body['items'] as { action: string; actor: string }[]).find((r) => r.action === 'deployment.forced');
    expect(forcedRecord).toMatchObject({ actor: 'ada@acme.test' });
  });

  it('sends a canary share of new runs to the new version, shows it on the agent, promotes and rolls back', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    const v1 = leadQualifier({ name: 'canaried' });
    await createAndDeploy(token, v1);
    const v2 = leadQualifier({ name: 'canaried' });
    spec(v2)['goal'] = 'Decide whether an inbound lead is qualified (v2).';
    await saveVersion(token, v2);
    const canary = await api('POST', '/v1/agents/canaried/deployments', { token, body: { strategy: 'canary', canaryPercent: 50, windowSeconds: 3600 } });
    expect(canary.status).toBe(201);
    expect(canary.body).toMatchObject({ status: 'canary', version: 2, canaryPercent: 50 });

    const agent = await api('GET', '/v1/agents/canaried', { token });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({ active: { version: 1 }, canary: { version: 2 } });

    const runs = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res = await api('POST', '/v1/agents/canaried/runs', { token, body: { input: { message: `lead ${i}` } } });
        expect(res.status).toBe(202);
        return waitForRun(token, String(res.body['runId']));
      }),
    );
    const byVersion = new Map<number, number>();
    for (const run of runs) {
      expect(run.body['status']).toBe('succeeded');
      expect(run.body['canary']).toBe(run.body['version'] === 2);
      byVersion.set(Number(run.body['version']), (byVersion.get(Number(run.body['version'])) ?? 0) + 1);
    }
    console.log(`[e2e] canary 50 %: runs per version ${JSON.stringify(Object.fromEntries(byVersion))}`);
    expect(byVersion.get(1)).toBeGreaterThan(0);
    expect(byVersion.get(2)).toBeGreaterThan(0);

    const promoted = await api('POST', `/v1/agents/canaried/deployments/${String(canary.body['deploymentId'])}/promote`, { token, body: {} });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ status: 'active', version: 2 });
    const afterPromotion = await api('POST', '/v1/agents/canaried/runs', { token, body: { input: { message: 'after' } } });
    expect((await waitForRun(token, String(afterPromotion.body['runId']))).body).toMatchObject({ status: 'succeeded', version: 2, canary: false });

    const rolledBack = await api('POST', '/v1/agents/canaried/rollback', { token, body: { reason: 'e2e' } });
    expect(rolledBack.status).toBe(200);
    // The answer is the deployment rolled back; the one it replaced serves again.
    expect(rolledBack.body).toMatchObject({ version: 2, status: 'rolled_back' });
    expect((await api('GET', '/v1/agents/canaried', { token })).body).toMatchObject({ active: { version: 1 } });
    const afterRollback = await api('POST', '/v1/agents/canaried/runs', { token, body: { input: { message: 'later' } } });
    expect((await waitForRun(token, String(afterRollback.body['runId']))).body).toMatchObject({ status: 'succeeded', version: 1 });
    const previous = await api('GET', `/v1/agents/canaried/deployments/${String(canary.body['deploymentId'])}`, { token });
    expect(previous.body).toMatchObject({ status: 'rolled_back' });
    expect(JSON.stringify(previous.body['transitions'])).toContain('rolled_back');
  });
});

describe('webhooks and triggers through the gateway', () => {
  let receiver: Server;
  const deliveries: { headers: Record<string, string | string[] | undefined>; body: string; status: number }[] = [];
  let answers: number[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = answers.shift() ?? 200;
        deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('delivers a run event to a webhook, signed, retried after two 500s, with the attempts in the delivery log', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    const secret = randomBytes(24).toString('hex');
    await createAndDeploy(token, leadQualifier({ name: 'hooked' }));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
    const created = await api('POST', '/v1/webhooks', { token, body: { url, events: ['run.succeeded'], secret, agent: 'hooked' } });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    answers = [500, 500];

    const run = await api('POST', '/v1/agents/hooked/runs', { token, body: { input: { message: 'hello' } } });
    const runId = String(run.body['runId']);
    expect((await waitForRun(token, runId)).body['status']).toBe('succeeded');
    const log = await until(
      () => api('GET', `/v1/webhooks/${String(created.body['id'])}/deliveries`, { token }),
      (res) => (res.body['items'] as { status: string }[] | undefined)?.[0]?.status === 'delivered',
      30_000,
    );
    expect((log.body['items'] as Record<string, unknown>[])[0]).toMatchObject({ eventType: 'run.succeeded', status: 'delivered', attempt: 3, responseStatus: 200 });

    const ours = deliveries.filter((d) => d.body.includes(runId));
    expect(ours.map((d) => d.status)).toEqual([500, 500, 200]);
    expect(new Set(ours.map((d) => d.headers['x-af-event-id'])).size).toBe(1);
    for (const d of ours) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(d.headers['x-af-signature'])) ?? [];
      expect(t).toBeDefined();
      const expected = createHmac('sha256', secret).update(`${t}.${d.body}`).digest();
      expect(timingSafeEqual(Buffer.from(v1 ?? '', 'hex'), expected)).toBe(true);
    }
  });

  it('starts a run from a signed inbound webhook and refuses unsigned, stale and replayed ones; a schedule trigger fires', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    const hookSecret = randomBytes(24).toString('hex');
    expect((await api('PUT', '/v1/secrets/inbound-hook', { token, body: { value: hookSecret } })).status).toBe(201);
    const doc = leadQualifier({ name: 'triggered' });
    spec(doc)['triggers'] = [
      { type: 'api' },
      { type: 'webhook', id: 'inbound', secret: 'inbound-hook' },
      { type: 'schedule', id: 'tick', cron: '* * * * * *' },
    ];
    await createAndDeploy(token, doc);
    const listed = await until(
      () => api('GET', '/v1/agents/triggered/triggers', { token }),
      (res) => ((res.body['items'] as unknown[] | undefined)?.length ?? 0) >= 2,
      20_000,
    );
    expect((listed.body['items'] as { id: string }[]).map((t) => t.id).sort()).toEqual(['inbound', 'tick']);

    const hook = (body: string, signature?: string): Promise<ApiResponse> =>
      api('POST', `/v1/hooks/${tenant}/triggered/inbound`, { raw: body, type: 'application/json', headers: signature ? { 'x-af-signature': signature } : {} });
    const body = JSON.stringify({ message: 'from a webhook' });
    const signature = sign(hookSecret, body);
    const accepted = await hook(body, signature);
    expect(accepted.status).toBe(202);
    const started = await waitForRun(token, String(accepted.body['runId']));
    expect(started.body).toMatchObject({ status: 'succeeded', trigger: 'webhook:inbound', input: { message: 'from a webhook' } });
    expect((await hook(body)).status).toBe(401);
    expect((await hook(body, signature)).status).toBe(401);
    expect((await hook(body, sign(hookSecret, body, Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
    expect((await hook(body, sign('not-the-secret', body))).status).toBe(401);
    expect(gatewayUrl()).toMatch(/^http/);

    // The every-second schedule: runs recorded as schedule:tick, one per tick.
    const ticks = await until(
      async () => {
        const page = await api('GET', '/v1/runs?agent=triggered&limit=100', { token });
        const runs = await Promise.all((page.body['items'] as { runId: string }[]).map(async (r) => (await api('GET', `/v1/runs/${r.runId}`, { token })).body));
        return runs.filter((r) => r['trigger'] === 'schedule:tick');
      },
      (runs) => runs.length >= 3,
      30_000,
      1_000,
    );
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    // Stop the schedule: a version without it replaces the registration.
    const quiet = leadQualifier({ name: 'triggered' });
    spec(quiet)['goal'] = 'No schedule any more.';
    await saveVersion(token, quiet);
    expect((await api('POST', '/v1/agents/triggered/deployments', { token, body: {} })).status).toBe(201);
  });
});

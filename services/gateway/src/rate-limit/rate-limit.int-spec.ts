import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { ErrorReplySchema, Headers, ListRunsReplySchema, SubmitRunReplySchema, SubmitRunRequestSchema } from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { startOwnRedis, testTenant, type OwnServer } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';
import { OPTIMISTIC_MARGIN } from './rate-limiter.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

const RUN = '0b9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e12';
const ENV_KEYS = ['AF_RATE_LIMIT_PLANS', 'AF_TENANT_PLANS', 'AF_DEFAULT_PLAN', 'AF_RATE_LIMIT_FAILURE_MODE', 'AF_QUOTA_FAILURE_MODE', 'REDIS_URL', 'AF_RATE_LIMIT_REDIS_TIMEOUT_MS', 'AF_RATE_LIMIT_REDIS_RETRY_MS'];

/** A gateway booted with these variables (the rest from the environment). */
async function gatewayWith(vars: Record<string, string>): Promise<Gateway> {
  for (const key of ENV_KEYS) delete process.env[key];
  Object.assign(process.env, vars);
  try {
    return await startGateway();
  } finally {
    for (const key of ENV_KEYS) delete process.env[key];
  }
}

function token(tenant: string, subject: string): Promise<string> {
  return new SignJWT({ tenant, roles: ['Developer'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer('agent-factory')
    .setAudience('agent-factory-api')
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(TEST_SECRET));
}

/** Stand-in orchestrator for the tenants under test: run lists and submissions (the gateway's side is what is tested). */
function standIn(nc: NatsConnection, tenants: Set<string>) {
  nc.subscribe(processNamespace().subject('af.v1.runs.list'), {
    callback: (_e, msg: Msg) => {
      if (!tenants.has(msg.headers?.get(Headers.tenantId) ?? '')) return;
      const h = natsHeaders();
      h.set(Headers.status, 'ok');
      msg.respond(encode(ListRunsReplySchema, { items: [], nextCursor: '' }), { headers: h });
    },
  });
  nc.subscribe(processNamespace().subject('af.v1.runs.submit'), {
    callback: (_e, msg: Msg) => {
      if (!tenants.has(msg.headers?.get(Headers.tenantId) ?? '')) return;
      const r = decode(SubmitRunRequestSchema, msg.data);
      const h = natsHeaders();
      if (r.agent === 'missing') {
        h.set(Headers.status, 'error');
        msg.respond(encode(ErrorReplySchema, { code: 'NOT_FOUND', message: 'agent "missing" has no active deployment', path: '/name' }), { headers: h });
        return;
      }
      h.set(Headers.status, 'ok');
      msg.respond(encode(SubmitRunReplySchema, { runId: RUN, status: 'queued', agent: r.agent, version: 1, replayed: r.idempotencyKey === 'again', priority: 'normal' }), { headers: h });
    },
  });
}

const rateLimitHeaders = (res: Response) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: res.headers.get('ratelimit-reset'),
});

describe('gateway rate limits and run quotas (real Redis and NATS, stand-in orchestrator)', () => {
  const free = testTenant('rl');
  const pro = testTenant('rl');
  const tenants = new Set([free, pro]);
  let nc: NatsConnection;
  let gw: Gateway;

  beforeAll(async () => {
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'gw-rate-limit-test' });
    standIn(nc, tenants);
    await nc.flush();
    gw = await gatewayWith({
      AF_RATE_LIMIT_PLANS: JSON.stringify({ free: { rps: 1, burst: 5, monthlyRuns: 1 }, pro: { rps: 100, burst: 100, monthlyRuns: 3 } }),
      AF_TENANT_PLANS: `${pro}=pro`,
    });
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const get = async (url: string, bearer: string, path = '/v1/runs') => fetch(url + path, { headers: { authorization: `Bearer ${bearer}` } });
  const submit = (bearer: string, agent: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/v1/agents/${agent}/runs`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ input: {} }) });

  it('a burst over the plan’s limit is refused with 429 RATE_LIMITED, Retry-After and RateLimit-* headers; other users are not affected', async () => {
    const alice = await token(free, 'alice');
    const responses: Response[] = [];
    for (let i = 0; i < 9; i++) responses.push(await get(gw.url, alice));
    const statuses = responses.map((r) => r.status);
    // Burst 5 per sliding second: the first five pass (a slot boundary can only add weight, never room).
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toContain(429);
    expect(rateLimitHeaders(responses[0]!)).toEqual({ limit: '5', remaining: '4', reset: expect.stringMatching(/^\d+$/) });
    for (const res of responses) expect(rateLimitHeaders(res).limit).not.toBeNull();
    const limited = responses.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-policy')).toBe('5;w=1, 60;w=60');
    const body = (await limited.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', details: { plan: 'free', limit: 5, windowSeconds: 1 } });

    // Another user of the same tenant has a bucket of their own.
    const bob = await get(gw.url, await token(free, 'bob'));
    expect(bob.status).toBe(200);
    expect(bob.headers.get('ratelimit-remaining')).toBe('4');

    // Public routes are never limited and carry no RateLimit-* headers.
    const health = await fetch(`${gw.url}/health/live`);
    expect(health.status).toBe(200);
    expect(health.headers.get('ratelimit-limit')).toBeNull();

    // The window slides: after Retry-After the user passes again.
    await new Promise((r) => setTimeout(r, Number(limited.headers.get('retry-after')) * 1000 + 100));
    expect((await get(gw.url, alice)).status).toBe(200);

    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/af_gateway_rate_limited_total\{plan="free",reason="rate_limit",service="gateway"\} [1-9]/);
  });

  it('an API key has a bucket of its own, apart from the user who created it', async () => {
    const admin = await new SignJWT({ tenant: free, roles: ['Administrator'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('heidi')
      .setIssuer('agent-factory')
      .setAudience('agent-factory-api')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const created = await fetch(`${gw.url}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rate-limit-test', roles: ['Developer'] }) });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await get(gw.url, key)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toContain(429);
    // heidi made one request (the key's creation): her own bucket still has room.
    const own = await get(gw.url, admin);
    expect(own.status).toBe(200);
    expect(Number(own.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(2);
  });

  it('well under the limit requests pass without waiting for Redis; near it every request waits, so the overshoot stays within the margin', async () => {
    const grace = await token(pro, 'grace');
    const statuses: number[] = [];
    // Sequential: Redis' answers arrive between requests; the limiter learns there is plenty of room.
    for (let i = 0; i < 60; i++) statuses.push((await get(gw.url, grace)).status);
    // Then a concurrent burst well past the plan's 100 per second.
    statuses.push(...(await Promise.all(Array.from({ length: 100 }, () => get(gw.url, grace)))).map((r) => r.status));
    const passed = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(passed).toBeGreaterThanOrEqual(95);
    // The margin (16), plus what a 1 s slot boundary during the test may add back.
    expect(passed).toBeLessThanOrEqual(100 + OPTIMISTIC_MARGIN + 10);
  });

  it('the monthly run quota: refused and replayed submissions do not count; the one over it is 429 QUOTA_EXCEEDED until the month ends', async () => {
    const carol = await token(pro, 'carol');
    const dave = await token(pro, 'dave');
    expect((await submit(carol, 'missing')).status).toBe(404);
    expect((await submit(carol, 'a', { 'idempotency-key': 'again' })).status).toBe(200);
    const invalid = await fetch(`${gw.url}/v1/agents/a/runs`, { method: 'POST', headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' }, body: '{"input":5}' });
    expect(invalid.status).toBe(400);
    expect((await submit(carol, 'a')).status).toBe(202);
    expect((await submit(dave, 'a')).status).toBe(202);
    expect((await submit(carol, 'a')).status).toBe(202);

    // The quota is the tenant's, whoever submits.
    const over = await submit(dave, 'a');
    expect(over.status).toBe(429);
    const now = new Date();
    const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(Math.abs(retryAfter - (monthEnd - Date.now()) / 1000)).toBeLessThan(5);
    const body = (await over.json()) as { error: { code: string; details: unknown } };
    expect(body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 3, used: 3, period: now.toISOString().slice(0, 7) } });
    // Refused submissions do not count either: still 3 used.
    const again = (await (await submit(carol, 'a')).json()) as { error: { details: { used: number } } };
    expect(again.error.details.used).toBe(3);
    // Reading is not a submission.
    expect((await get(gw.url, carol)).status).toBe(200);
  });

  describe('when Redis is down', () => {
    let redis: OwnServer;
    let open: Gateway;
    let closed: Gateway;
    const tenant = testTenant('rl');

    beforeAll(async () => {
      tenants.add(tenant);
      redis = await startOwnRedis();
      const common = { REDIS_URL: redis.url, AF_RATE_LIMIT_REDIS_TIMEOUT_MS: '100', AF_RATE_LIMIT_REDIS_RETRY_MS: '0', AF_RATE_LIMIT_PLANS: JSON.stringify({ free: { rps: 100, burst: 100, monthlyRuns: 100 } }) };
      open = await gatewayWith({ ...common, AF_RATE_LIMIT_FAILURE_MODE: 'open', AF_QUOTA_FAILURE_MODE: 'open' });
      closed = await gatewayWith({ ...common, AF_RATE_LIMIT_FAILURE_MODE: 'closed', AF_QUOTA_FAILURE_MODE: 'closed' });
    });

    afterAll(async () => {
      await open?.service.close();
      await closed?.service.close();
      await redis?.stop();
    });

    it('fail open lets requests through uncounted and counts the failures; fail closed answers 503 UNAVAILABLE with Retry-After; both come back with Redis', async () => {
      const erin = await token(tenant, 'erin');
      for (const gateway of [open, closed]) {
        const res = await get(gateway.url, erin);
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBe('100');
      }

      await redis.kill();
      const started = performance.now();
      const passed = await get(open.url, erin);
      expect(passed.status).toBe(200);
      expect(passed.headers.get('ratelimit-limit')).toBeNull();
      const submitted = await fetch(`${open.url}/v1/agents/a/runs`, { method: 'POST', headers: { authorization: `Bearer ${erin}`, 'content-type': 'application/json' }, body: '{"input":{}}' });
      expect(submitted.status).toBe(202);

      const refused = await get(closed.url, erin);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('rate limits cannot be checked') });
      expect(performance.now() - started).toBeLessThan(2_000);
      // Fail-closed limits make the gateway unready (an orchestrator should route elsewhere); fail-open keeps it ready.
      expect((await fetch(`${closed.url}/health/ready`)).status).toBe(503);
      expect((await fetch(`${open.url}/health/ready`)).status).toBe(200);
      expect(await (await fetch(`${open.url}/metrics`)).text()).toMatch(/af_gateway_rate_limit_redis_failures_total\{operation="limit",mode="open",service="gateway"\} [1-9]/);

      await redis.restart();
      let back = 0;
      for (let i = 0; i < 50 && back !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        back = (await get(closed.url, erin)).status;
      }
      expect(back).toBe(200);
    });

    it('a hung Redis (SIGSTOP) costs a request at most the command timeout', async () => {
      const frank = await token(tenant, 'frank');
      expect((await get(open.url, frank)).status).toBe(200);
      redis.freeze();
      try {
        const started = performance.now();
        const [viaOpen, viaClosed] = await Promise.all([get(open.url, frank), get(closed.url, frank)]);
        const elapsed = performance.now() - started;
        expect(viaOpen.status).toBe(200);
        expect(viaClosed.status).toBe(503);
        expect(elapsed).toBeLessThan(1_000);
        const quota = await fetch(`${closed.url}/v1/agents/a/runs`, { method: 'POST', headers: { authorization: `Bearer ${frank}`, 'content-type': 'application/json' }, body: '{"input":{}}' });
        expect(quota.status).toBe(503);
      } finally {
        redis.thaw();
      }
    });
  });
});

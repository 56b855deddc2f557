import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { Headers, RunReplySchema } from '@af/contracts';
import { connectNats, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from './test/harness.js';

describe('gateway over HTTP against real NATS', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  let token: string;

  beforeAll(async () => {
    gw = await startGateway();
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'gw-test' });
    token = await new SignJWT({ tenant, roles: ['Developer'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .setIssuer('agent-factory')
      .setAudience('agent-factory-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(gw.url + path, init);

  it('serves health, readiness and Prometheus metrics without a token', async () => {
    expect((await call('/health/live')).status).toBe(200);
    const ready = await call('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'up', checks: { nats: { status: 'up' } } });
    const metrics = await call('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toContain('af_http_requests_total');
  });

  it('requires a valid bearer token on every /v1 route', async () => {
    for (const [method, path] of [['GET', '/v1/runs/x'], ['POST', '/v1/blueprints'], ['POST', '/v1/agents/a/runs'], ['GET', '/v1/mesh/health']] as const) {
      const res = await call(path, { method });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('forwards the tenant, correlation id and trace context in NATS headers and maps the reply', async () => {
    const seen: { tenant?: string; correlation?: string; traceparent?: string } = {};
    const sub = nc.subscribe(processNamespace().subject('af.v1.runs.get'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) !== tenant) return;
        seen.tenant = msg.headers.get(Headers.tenantId);
        seen.correlation = msg.headers.get(Headers.correlationId);
        seen.traceparent = msg.headers.get(Headers.traceparent);
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        msg.respond(toBinary(RunReplySchema, create(RunReplySchema, { run: { runId: 'r-1', agent: 'a', status: 'running', inputJson: '{"x":1}', attempts: 1, traceId: 't' } })), { headers: h });
      },
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await call('/v1/runs/r-1', { headers: { authorization: `Bearer ${token}`, 'x-correlation-id': 'corr-123', traceparent } });
    sub.unsubscribe();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ runId: 'r-1', status: 'running', input: { x: 1 }, output: null, error: null, finishedAt: null });
    expect(res.headers.get('x-correlation-id')).toBe('corr-123');
    expect(res.headers.get('x-trace-id')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(seen).toMatchObject({ tenant, correlation: 'corr-123' });
    expect(seen.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  });

  it('maps hostile and malformed bodies to 4xx with a code, never 5xx', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const big = await call('/v1/blueprints', { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const type = await call('/v1/blueprints', { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'a,b' });
    expect(type.status).toBe(415);
    const json = await call('/v1/agents/a/runs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"input":' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: { code: 'INVALID_DOCUMENT', path: '' } });
    const proto = await call('/v1/agents/a/runs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"input":{"constructor":{"prototype":{}}}}' });
    expect(proto.status).toBe(400);
    const bytes = await call('/v1/blueprints', { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: new Uint8Array([0xc3, 0x28]) });
    expect(bytes.status).toBe(400);
    const name = await call('/v1/agents/Bad%20Name/runs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"input":{}}' });
    expect(name.status).toBe(400);
    expect(await name.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', path: '/name' } });
    const version = await call('/v1/agents/a/deployments', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"version":"two"}' });
    expect(version.status).toBe(400);
    expect(await version.json()).toMatchObject({ error: { path: '/version' } });
  });

  it('answers 503 with a code when the owning service is not running', async () => {
    const res = await call('/v1/mesh/health', { headers: { authorization: `Bearer ${token}` } });
    // No health service in this test: nothing answers on af.v1.health.status.
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ error: { code: 'UNAVAILABLE', message: expect.stringContaining('health') } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { Headers, SubmitRunReplySchema, SubmitRunRequestSchema } from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { FASTIFY_ROUTE_CONFIG, PUBLIC_ROUTE } from '@af/observability';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from './test/harness.js';

const token = (tenant: string) =>
  new SignJWT({ tenant, roles: ['Developer'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('carol')
    .setIssuer('agent-factory')
    .setAudience('agent-factory-api')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(TEST_SECRET));

const bodiesParsed = async (url: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^af_gateway_request_bodies_parsed_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
};

describe('gateway edges: authentication before parsing, one global guard, hostile bodies', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let bearer: string;

  beforeAll(async () => {
    gw = await startGateway();
    bearer = `Bearer ${await token(testTenant())}`;
  });

  afterAll(async () => {
    await gw?.service.close();
  });

  it('answers 401 to an unauthenticated request without parsing its body, even a malformed 1 MiB one', async () => {
    const before = await bodiesParsed(gw.url);
    for (const [type, body] of [
      ['application/json', `{"input":${'['.repeat(1024 * 1024)}`],
      ['application/yaml', `a: ${'b'.repeat(1024 * 1024)}\n\t: [`],
    ] as const) {
      const res = await fetch(`${gw.url}/v1/blueprints`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    const bad = await fetch(`${gw.url}/v1/agents/a/runs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{' });
    expect(bad.status).toBe(401);
    expect(await bodiesParsed(gw.url)).toBe(before);

    // With a token, the same malformed body is read and refused as a document (the counter moves).
    const parsed = await fetch(`${gw.url}/v1/agents/a/runs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body: '{' });
    expect(parsed.status).toBe(400);
    expect(await bodiesParsed(gw.url)).toBe(before + 1);
  });

  it('lists every route: each is @Public() and answers without a token, or the global guard refuses it without one', async () => {
    expect(FASTIFY_ROUTE_CONFIG).toBe(FASTIFY_ROUTE_CONFIG_METADATA);
    const app = gw.service.app;
    const scanner = new MetadataScanner();
    const routes: { method: string; path: string; public: boolean; fastifyPublic: boolean }[] = [];
    for (const wrapper of app.get(DiscoveryService).getControllers()) {
      const ctor = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!ctor || !wrapper.instance) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, ctor) ?? '');
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance) as object)) {
        const handler = (ctor.prototype as Record<string, object>)[name]!;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const isPublic = Reflect.getMetadata(PUBLIC_ROUTE, handler) === true || Reflect.getMetadata(PUBLIC_ROUTE, ctor) === true;
        const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as { public?: boolean } | undefined;
        routes.push({ method, path: `/${[prefix, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/'), public: isPublic, fastifyPublic: config?.public === true });
      }
    }
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => r.public).map((r) => r.path).sort()).toEqual(['/docs', '/docs/:asset', '/health/live', '/health/ready', '/health/startup', '/metrics', '/openapi.json', '/v1/hooks/:tenant/:agent/:triggerId']);
    for (const route of routes) {
      const url = gw.url + route.path.replace(/:(\w+)/g, 'x$1');
      const res = await fetch(url, { method: route.method, ...(route.method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }) });
      expect({ route: `${route.method} ${route.path}`, status: res.status, fastifyPublic: route.fastifyPublic }).toEqual({
        route: `${route.method} ${route.path}`,
        // A public route answers without a token (the Swagger UI asset route: 404 for an asset it does not serve; the
        // inbound hook: 400, "xtriggerId" is not a trigger id — its own check, not a missing credential).
        status: route.public ? (route.path === '/docs/:asset' ? 404 : route.path.startsWith('/v1/hooks/') ? 400 : 200) : 401,
        fastifyPublic: route.public,
      });
    }
  });

  it('refuses a lone UTF-16 surrogate with 400 and the path of the string', async () => {
    for (const [body, path] of [
      ['{"input":{"q":"\\ud800"}}', '/input/q'],
      ['{"input":{"ok":"\\ud83d\\ude00","list":["a","x\\udfff"]}}', '/input/list/1'],
      ['{"input":{"\\udc00":1}}', '/input/\udc00'],
    ] as const) {
      const res = await fetch(`${gw.url}/v1/agents/a/runs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'INVALID_DOCUMENT', path, message: expect.stringContaining('surrogate') } });
    }
  });
});

describe('gateway body limit against the NATS message limit (configured default)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  let bearer: string;
  const tenant = testTenant();
  const limit = () => (gw.service.app.getHttpAdapter().getInstance() as { initialConfig: { bodyLimit: number } }).initialConfig.bodyLimit;

  beforeAll(async () => {
    gw = await startGateway({ bodyLimitBytes: null });
    bearer = `Bearer ${await token(tenant)}`;
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'gw-limit-test' });
    // A stand-in orchestrator for this tenant: it accepts whatever reaches it.
    nc.subscribe(processNamespace().subject('af.v1.runs.submit'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) !== tenant) return;
        const request = decode(SubmitRunRequestSchema, msg.data);
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        msg.respond(encode(SubmitRunReplySchema, { runId: `r-${request.inputJson.length}`, status: 'queued', agent: request.agent, version: 1 }), { headers: h });
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const run = (body: string) => fetch(`${gw.url}/v1/agents/big/runs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body });
  const bodyOf = (bytes: number) => {
    const head = '{"input":{"text":"';
    const tail = '"}}';
    return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
  };

  it('sits below the NATS max_payload with room for the envelope', () => {
    const maxPayload = nc.info?.max_payload ?? 0;
    expect(limit()).toBeLessThanOrEqual(maxPayload - 64 * 1024);
  });

  it('accepts a body just under the limit (it fits a NATS message) and answers 413 just over it — never 5xx', async () => {
    const fits = await run(bodyOf(limit() - 16));
    expect(fits.status).toBe(202);
    const over = await run(bodyOf(limit() + 1));
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const nearOneMiB = await run(bodyOf(1_048_576 - 64));
    expect(nearOneMiB.status).toBe(413);
  });

  it('answers 413 when an accepted body grows past the NATS limit once encoded', async () => {
    // 9e20 is 4 bytes of JSON and 21 once re-serialized: under the HTTP limit, over the NATS one.
    const items = Math.floor((limit() - 64) / 5);
    const res = await run(`{"input":{"n":[${Array.from({ length: items }, () => '9e20').join(',')}]}}`);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { Headers, permissionsOf, SubmitRunReplySchema, SubmitRunRequestSchema, type Role } from '@af/contracts';
import { connectNats, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';
import { declaredRoutes } from '../test/routes.js';

const ROLE_CASES: { name: string; roles: Role[] }[] = [
  { name: 'Viewer', roles: ['Viewer'] },
  { name: 'Developer', roles: ['Developer'] },
  { name: 'ProductManager', roles: ['ProductManager'] },
  { name: 'Administrator', roles: ['Administrator'] },
  { name: 'no role', roles: [] },
];

const token = (tenant: string, roles: string[], subject = 'table@acme.test') =>
  new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));

/**
 * Each role against each permission-bearing route, through the real gateway (real NATS and
 * PostgreSQL; the services behind it are absent, so an allowed call may well answer 503 — what
 * matters is that it is not 401 or 403). The expected outcome is the contracts' role table.
 */
describe('roles × routes through the gateway', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  const routes = declaredRoutes().filter((r) => !r.public);

  beforeAll(async () => {
    gw = await startGateway();
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'role-table' });
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const call = async (route: string, bearer: string) => {
    const [method, path] = route.split(' ') as [string, string];
    const url = gw.url + path.replace(/:(\w+)/g, 'x$1');
    const res = await fetch(url, { method, headers: { authorization: `Bearer ${bearer}`, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) }, ...(method === 'GET' ? {} : { body: '{}' }) });
    return { status: res.status, body: (await res.text()).slice(0, 500) };
  };

  it.each(ROLE_CASES)('$name: allowed exactly where the role table grants the route permission', async ({ roles }) => {
    const bearer = await token(tenant, roles);
    const granted = new Set<string>(permissionsOf(roles));
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const route of routes) {
      const { status, body } = await call(route.route, bearer);
      outcomes[route.route] = status === 403 ? `403 ${JSON.parse(body).error.details.permission}` : status === 401 ? '401' : 'allowed';
      expected[route.route] = granted.has(route.permission!) ? 'allowed' : `403 ${route.permission}`;
    }
    expect(outcomes).toEqual(expected);
  });

  it('says which permission is missing, and a Viewer can read but not write', async () => {
    const viewer = await token(tenant, ['Viewer']);
    const refused = await fetch(`${gw.url}/v1/blueprints`, { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/yaml' }, body: 'kind: AgentBlueprint' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'PERMISSION_DENIED', message: expect.stringContaining('needs permission CreateAgent'), details: { permission: 'CreateAgent' } } });
    for (const route of ['POST /v1/agents/:name/runs', 'POST /v1/agents/:name/deployments', 'DELETE /v1/blueprints/:name', 'PUT /v1/blueprints/:name', 'POST /v1/runs/:runId/cancel', 'POST /v1/api-keys']) {
      expect({ route, status: (await call(route, viewer)).status }).toEqual({ route, status: 403 });
    }
    for (const route of ['GET /v1/blueprints', 'GET /v1/runs', 'GET /v1/agents/:name/deployments', 'GET /v1/mesh/health']) {
      const { status } = await call(route, viewer);
      expect({ route, refused: [401, 403].includes(status) }).toEqual({ route, refused: false });
    }
  });

  it('a Developer cannot archive and a ProductManager cannot see code or manage keys; an Administrator can do all three', async () => {
    const [developer, pm, admin] = await Promise.all([token(tenant, ['Developer']), token(tenant, ['ProductManager']), token(tenant, ['Administrator'])]);
    expect((await call('DELETE /v1/blueprints/:name', developer)).status).toBe(403);
    expect((await call('GET /v1/artifacts/:hash', pm)).status).toBe(403);
    expect((await call('GET /v1/api-keys', pm)).status).toBe(403);
    for (const route of ['DELETE /v1/blueprints/:name', 'GET /v1/artifacts/:hash', 'GET /v1/api-keys']) expect([401, 403]).not.toContain((await call(route, admin)).status);
  });

  it('sends the effective permissions (the role table plus explicit grants) in the Caller on NATS', async () => {
    const seen: string[][] = [];
    const sub = nc.subscribe(processNamespace().subject('af.v1.runs.submit'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) !== tenant) return;
        const caller = fromBinary(SubmitRunRequestSchema, msg.data).caller;
        seen.push([caller?.subject ?? '', ...(caller?.permissions ?? [])]);
        // Answered, so the gateway's request ends now (an unanswered one held the gateway's close past the hook timeout).
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        msg.respond(toBinary(SubmitRunReplySchema, create(SubmitRunReplySchema, { runId: 'r-1', status: 'queued', agent: 'lead-qualifier', version: 1 })), { headers: h });
      },
    });
    const bearer = await new SignJWT({ tenant, roles: ['Developer'], permissions: ['ViewAudit'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dev@acme.test')
      .setIssuer('agent-factory')
      .setAudience('agent-factory-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const res = await fetch(`${gw.url}/v1/agents/lead-qualifier/runs`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: '{"input":{}}' });
    sub.unsubscribe();
    expect(res.status).toBe(202);
    expect(seen).toEqual([['dev@acme.test', ...permissionsOf(['Developer'], ['ViewAudit'])]]);
    expect(seen[0]).toContain('ViewAudit');
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, logDir, mintToken, newTenant, waitForRun } from './client.js';

const exampleYaml = readFileSync(resolve(import.meta.dirname, '../../examples/lead-qualifier.yaml'), 'utf8');
const message = 'We need 40 seats, budget 50k';

/** Services whose log lines mention the trace id. */
function servicesLogging(traceId: string): string[] {
  const dir = logDir();
  const services = new Set<string>();
  // The pool manager's extra workers log under workers/: the run may have landed on one of them.
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.includes(traceId)) continue;
      try {
        const entry = JSON.parse(line) as { service?: string; traceId?: string };
        if (entry.traceId === traceId && entry.service) services.add(entry.service);
      } catch {
        // not a JSON log line
      }
    }
  }
  return [...services].sort();
}

describe('golden path through the gateway against the running mesh', () => {
  const tenant = newTenant();
  let token: string;

  beforeAll(async () => {
    token = await mintToken({ tenant });
  });

  it('creates, versions, deploys and runs the example blueprint; one trace id crosses the mesh', async () => {
    const created = await api('POST', '/v1/blueprints', { token, raw: exampleYaml, type: 'application/yaml' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'lead-qualifier', version: 1, validation: { valid: true, errors: [] } });
    expect(created.body['contentHash']).toMatch(/^sha256:[0-9a-f]{64}$/);

    const same = await api('PUT', '/v1/blueprints/lead-qualifier', { token, raw: exampleYaml });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 1, created: false });

    const changed = await api('PUT', '/v1/blueprints/lead-qualifier', { token, raw: exampleYaml.replace('Qualifies inbound leads', 'Qualifies inbound B2B leads') });
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ version: 2, created: true });

    const latest = await api('GET', '/v1/blueprints/lead-qualifier', { token });
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ name: 'lead-qualifier', version: 2, document: { metadata: { description: 'Qualifies inbound B2B leads' } } });

    const deployed = await api('POST', '/v1/agents/lead-qualifier/deployments', { token, body: {} });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toMatchObject({ version: 2, status: 'active' });
    expect(deployed.body['artifactHash']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(deployed.body['deploymentId']).toEqual(expect.any(String));

    const submitted = await api('POST', '/v1/agents/lead-qualifier/runs', { token, body: { input: { message } } });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'queued', runId: expect.any(String) });

    const run = await waitForRun(token, String(submitted.body['runId']));
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      runId: submitted.body['runId'],
      agent: 'lead-qualifier',
      version: 2,
      status: 'succeeded',
      error: null,
      attempts: 1,
      output: { qualified: expect.any(Boolean), score: message.length },
    });
    expect(run.body['finishedAt']).toEqual(expect.any(String));
    expect(run.body['toolCalls']).toEqual([expect.objectContaining({ tool: 'score_lead', arguments: { message }, result: { score: message.length } })]);
    expect(run.body['usage']).toMatchObject({ provider: 'offline', costUsd: 0 });
    const traceId = String(run.body['traceId']);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(submitted.headers.get('x-trace-id')).toBe(traceId);

    const history = await api('GET', '/v1/agents/lead-qualifier/deployments', { token });
    expect(history.status).toBe(200);
    expect(history.body['items']).toEqual([expect.objectContaining({ deploymentId: deployed.body['deploymentId'], version: 2, status: 'active' })]);
    const active = await api('GET', '/v1/agents/lead-qualifier/deployments/active', { token });
    expect(active.body).toMatchObject({ deploymentId: deployed.body['deploymentId'], artifactHash: deployed.body['artifactHash'] });

    // The memory service remembers the run as an episode (it consumes the same run events).
    let episodes = await api('GET', '/v1/agents/lead-qualifier/episodes', { token });
    for (let i = 0; i < 50 && (episodes.body['items'] as unknown[] | undefined)?.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      episodes = await api('GET', '/v1/agents/lead-qualifier/episodes', { token });
    }
    expect(episodes.status).toBe(200);
    expect(episodes.body['items']).toEqual([expect.objectContaining({ runId: submitted.body['runId'], version: 2, outcome: 'succeeded' })]);
    expect((await api('GET', '/v1/agents/lead-qualifier/episodes?limit=500', { token })).body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/query/limit' });

    // Logs are written asynchronously: give the last lines a moment to land.
    // (The memory service's per-run line is at debug level — af_memory_episodes_recorded_total counts
    // it — so its part of the trace is shown by the episode above and by traces.e2e-spec's spans.)
    let services: string[] = [];
    for (let i = 0; i < 20 && services.length < 3; i++) {
      services = servicesLogging(traceId);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(services).toEqual(expect.arrayContaining(['gateway', 'orchestrator', 'worker']));
  });

  it('answers 401 without a valid token and 404 for another tenant’s run', async () => {
    expect((await api('GET', '/v1/runs/00000000-0000-4000-8000-000000000000')).status).toBe(401);
    const forged = await mintToken({ tenant, key: 'x'.repeat(40) });
    const wrongKey = await api('GET', '/v1/runs/00000000-0000-4000-8000-000000000000', { token: forged });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
    const expired = await mintToken({ tenant, expiresIn: '-5m' });
    expect((await api('GET', '/v1/blueprints/lead-qualifier', { token: expired })).body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'token has expired' });

    const mine = await api('POST', '/v1/blueprints', { token, raw: exampleYaml.replace('name: lead-qualifier', 'name: tenant-probe') });
    expect(mine.status).toBe(201);
    await api('POST', '/v1/agents/tenant-probe/deployments', { token, body: {} });
    const run = await api('POST', '/v1/agents/tenant-probe/runs', { token, body: { input: { message: 'hello' } } });
    expect(run.status).toBe(202);
    const otherToken = await mintToken({ tenant: newTenant() });
    const theirs = await api('GET', `/v1/runs/${String(run.body['runId'])}`, { token: otherToken });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect((await api('GET', '/v1/blueprints/tenant-probe', { token: otherToken })).status).toBe(404);
  });

  it('refuses bad requests with a code, a message and a path, and never a 5xx', async () => {
    const tooBig = await api('POST', '/v1/blueprints', { token, raw: 'a: ' + 'x'.repeat(1_100_000) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const wrongType = await api('POST', '/v1/blueprints', { token, raw: 'hello', type: 'text/plain' });
    expect(wrongType.status).toBe(415);

    const badJson = await api('POST', '/v1/blueprints', { token, raw: '{"apiVersion":', type: 'application/json' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toMatchObject({ code: 'INVALID_DOCUMENT', path: '' });

    const proto = await api('POST', '/v1/agents/lead-qualifier/runs', { token, raw: '{"input":{"__proto__":{"admin":true}}}', type: 'application/json' });
    expect(proto.status).toBe(400);

    const notUtf8 = await api('POST', '/v1/blueprints', { token, raw: new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe]), type: 'application/yaml' });
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body.error?.message).toMatch(/UTF-8/);

    const invalid = await api('POST', '/v1/blueprints', { token, raw: exampleYaml.replace('scope: internal', 'scope: everywhere').replace('name: lead-qualifier', 'name: invalid-one') });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(invalid.body.error?.details)).toContain('/spec/tools/0/scope');

    const badName = await api('POST', '/v1/agents/Not_A_Name/runs', { token, body: { input: {} } });
    expect(badName.status).toBe(400);
    expect(badName.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/name' });

    const badInput = await api('POST', '/v1/agents/lead-qualifier/runs', { token, body: { input: [1, 2] } });
    expect(badInput.status).toBe(400);
    expect(badInput.body.error).toMatchObject({ path: '/input' });

    // An agent that does not exist is 404; one that exists without a deployment would be 409 NOT_DEPLOYED.
    const unknown = await api('POST', '/v1/agents/never-created/runs', { token, body: { input: {} } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', path: '/agent' });

    const loneSurrogate = await api('POST', '/v1/agents/lead-qualifier/runs', { token, raw: '{"input":{"q":"\\ud800"}}', type: 'application/json' });
    expect(loneSurrogate.status).toBe(400);
    expect(loneSurrogate.body.error).toMatchObject({ code: 'INVALID_DOCUMENT', path: '/input/q' });

    const missing = await api('GET', '/v1/blueprints/does-not-exist', { token });
    expect(missing.status).toBe(404);
  });

  it('reports every service up through the health service', async () => {
    let mesh = await api('GET', '/v1/mesh/health', { token });
    for (let i = 0; i < 40 && mesh.body['status'] !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      mesh = await api('GET', '/v1/mesh/health', { token });
    }
    expect(mesh.status).toBe(200);
    expect(mesh.body['status']).toBe('ok');
    expect((mesh.body['services'] as { state: string }[]).every((s) => s.state === 'up')).toBe(true);
  });
});

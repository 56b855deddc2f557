import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { DraftEvalsReplySchema, DraftEvalsRequestSchema, ErrorReplySchema, Headers, type DraftEvalsRequest } from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: Record<string, unknown> };
}

/** POST /v1/blueprints/{name}/test over HTTP against the real gateway; the deployment service is a stand-in on real NATS. */
describe('POST /v1/blueprints/{name}/test (a draft tested before saving)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  const bearers: Record<string, string> = {};
  const asked: DraftEvalsRequest[] = [];
  const token = (sub: string, roles: string[]) =>
    new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));
  const yaml = 'apiVersion: agentfactory.io/v1\nkind: Agent\nmetadata:\n  name: lead-qualifier\n';

  beforeAll(async () => {
    gw = await startGateway();
    bearers['viewer'] = await token('viewer', ['Viewer']);
    bearers['dev'] = await token('dev', ['Developer']);
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'deployment', instanceId: 'gw-draft-test' });
    // The stand-in deployment service: a draft whose source mentions "broken" is invalid; otherwise the report, an ad-hoc case when an input came.
    nc.subscribe(processNamespace().subject('af.v1.deployments.evals.draft'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) !== tenant) return;
        const request = decode(DraftEvalsRequestSchema, msg.data);
        asked.push(request);
        const h = natsHeaders();
        if (request.source.includes('broken')) {
          h.set(Headers.status, 'error');
          const details = { valid: false, errors: [{ tier: 'schema', code: 'SCHEMA_REQUIRED', path: '/spec/model', message: 'spec.model is required', severity: 'error' }], warnings: [], suggestions: [], omitted: 0 };
          msg.respond(encode(ErrorReplySchema, { code: 'VALIDATION_FAILED', message: 'the draft of lead-qualifier is not valid', path: '/spec/model', detailsJson: JSON.stringify(details) }), { headers: h });
          return;
        }
        h.set(Headers.status, 'ok');
        const cases = [
          { name: 'greets', passed: true, outputJson: '{"ok":true}', durationMs: 4 },
          ...(request.inputJson ? [{ name: 'ad-hoc', passed: true, outputJson: JSON.stringify({ echo: JSON.parse(request.inputJson) as unknown }), durationMs: 5 }] : []),
        ];
        const report = { agent: request.agent, version: 0, artifactHash: 'sha256:d', passed: true, total: cases.length, failed: 0, workerId: 'w1', cases };
        msg.respond(encode(DraftEvalsReplySchema, { report, validation: { valid: true, warnings: [{ tier: 'semantic', code: 'NO_DESCRIPTION', path: '/metadata/description', message: 'add a description', severity: 'warning' }] } }), { headers: h });
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const post = async (who: string, name: string, body: string, contentType = 'application/json') => {
    const res = await fetch(`${gw.url}/v1/blueprints/${name}/test`, { method: 'POST', headers: { authorization: `Bearer ${bearers[who]}`, 'content-type': contentType }, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & ErrorBody };
  };

  it('a JSON body with YAML text and an ad-hoc input: 200 with the eval report (the ad-hoc case’s output) and the validation report', async () => {
    const res = await post('dev', 'lead-qualifier', JSON.stringify({ blueprint: yaml, input: { message: 'hi' } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ agent: 'lead-qualifier', version: 0, passed: true, total: 2, failed: 0, workerId: 'w1', validation: { valid: true, warnings: [{ code: 'NO_DESCRIPTION' }] } });
    expect(res.body['cases']).toEqual([
      { name: 'greets', passed: true, output: { ok: true }, failures: [], durationMs: 4, error: null },
      { name: 'ad-hoc', passed: true, output: { echo: { message: 'hi' } }, failures: [], durationMs: 5, error: null },
    ]);
    expect(asked.at(-1)).toMatchObject({ agent: 'lead-qualifier', source: yaml, format: 'yaml', inputJson: '{"message":"hi"}', caller: { subject: 'dev' } });
  });

  it('the draft as a JSON object is sent as JSON text; raw YAML (application/yaml) is sent as written, without input', async () => {
    const asObject = await post('dev', 'lead-qualifier', JSON.stringify({ blueprint: { kind: 'Agent', metadata: { name: 'lead-qualifier' } } }));
    expect(asObject.status).toBe(200);
    expect(asked.at(-1)).toMatchObject({ format: 'json', source: '{"kind":"Agent","metadata":{"name":"lead-qualifier"}}', inputJson: '' });
    const raw = await post('dev', 'lead-qualifier', yaml, 'application/yaml');
    expect(raw.status).toBe(200);
    expect(raw.body['total']).toBe(1);
    expect(asked.at(-1)).toMatchObject({ format: 'yaml', source: yaml, inputJson: '' });
  });

  it('an invalid draft: 422 VALIDATION_FAILED with the path and the validation report in details', async () => {
    const res = await post('dev', 'lead-qualifier', JSON.stringify({ blueprint: `${yaml}# broken\n` }));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', path: '/spec/model', details: { valid: false, errors: [{ code: 'SCHEMA_REQUIRED', path: '/spec/model' }] } });
  });

  it('a bad body is refused with 400 and the path of the offending field, before anything is sent', async () => {
    const before = asked.length;
    const cases: [string, string, string][] = [
      [JSON.stringify({}), '/blueprint', 'application/json'],
      [JSON.stringify({ blueprint: 7 }), '/blueprint', 'application/json'],
      [JSON.stringify({ blueprint: yaml, input: 'hi' }), '/input', 'application/json'],
      [JSON.stringify({ blueprint: yaml, version: 2 }), '/version', 'application/json'],
      [JSON.stringify(['x']), '', 'application/json'],
      ['   ', '', 'application/yaml'],
    ];
    for (const [body, path, type] of cases) {
      const res = await post('dev', 'lead-qualifier', body, type);
      expect({ body, status: res.status, code: res.body.error?.code, path: res.body.error?.path }).toEqual({ body, status: 400, code: 'INVALID_ARGUMENT', path });
    }
    const badName = await post('dev', 'Lead_Qualifier', JSON.stringify({ blueprint: yaml }));
    expect(badName.status).toBe(400);
    expect(badName.body.error.path).toBe('/name');
    expect(asked.length).toBe(before);
  });

  it('needs CreateAgent: a Viewer gets 403', async () => {
    const res = await post('viewer', 'lead-qualifier', JSON.stringify({ blueprint: yaml }));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'CreateAgent' } });
  });
});

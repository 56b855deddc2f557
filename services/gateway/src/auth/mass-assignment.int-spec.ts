import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { SignJWT } from 'jose';
import { Headers, SubmitRunReplySchema, SubmitRunRequestSchema } from '@af/contracts';
import { connectNats, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

/**
 * Mass assignment: bodies whose shape is ours accept their own fields only; `tenantId`, `status`,
 * `createdBy`, `id` and anything unknown are refused with 400 at the field's path, and the tenant
 * and the caller always come from the credential.
 */
describe('request bodies refuse fields clients may not set', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  let bearer: string;
  const tenant = testTenant();

  beforeAll(async () => {
    gw = await startGateway();
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'mass-assignment' });
    bearer = `Bearer ${await new SignJWT({ tenant, roles: ['Administrator'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('ann@acme.test').setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET))}`;
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(gw.url + path, { method: 'POST', headers: { authorization: bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; path: string } } };
  };

  it.each([
    ['/v1/agents/lead-qualifier/runs', { input: {}, tenantId: 'someone-else' }, '/tenantId'],
    ['/v1/agents/lead-qualifier/runs', { input: {}, status: 'succeeded' }, '/status'],
    ['/v1/agents/lead-qualifier/runs', { input: {}, caller: { subject: 'root', roles: ['Administrator'] } }, '/caller'],
    ['/v1/agents/lead-qualifier/deployments', { version: 1, createdBy: 'mallory' }, '/createdBy'],
    ['/v1/agents/lead-qualifier/deployments', { version: 1, status: 'active' }, '/status'],
    ['/v1/runs/r-1/cancel', { reason: 'stop', status: 'cancelled' }, '/status'],
    ['/v1/dead-letters/d-1/retry', { input: {}, id: 'other' }, '/id'],
    ['/v1/blueprints/lead-qualifier/validate', { version: 1, tenantId: 'x' }, '/tenantId'],
    ['/v1/blueprints/lead-qualifier/compile', { version: 1, artifactHash: 'x' }, '/artifactHash'],
    ['/v1/api-keys', { name: 'k', roles: ['Viewer'], tenantId: 'x' }, '/tenantId'],
  ])('POST %s with %j → 400 at %s', async (path, body, field) => {
    expect(await post(path, body)).toEqual({ status: 400, body: { error: expect.objectContaining({ code: 'INVALID_ARGUMENT', path: field }) } });
  });

  it('passes the fields a run submission owns, with the tenant and caller of the token', async () => {
    const seen: { tenant?: string; subject?: string; priority?: string; input?: string }[] = [];
    const sub = nc.subscribe(processNamespace().subject('af.v1.runs.submit'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) !== tenant) return;
        const request = fromBinary(SubmitRunRequestSchema, msg.data);
        seen.push({ tenant: msg.headers.get(Headers.tenantId), subject: request.caller?.subject, priority: request.priority, input: request.inputJson });
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        msg.respond(toBinary(SubmitRunReplySchema, create(SubmitRunReplySchema, { runId: 'r-9', status: 'queued', agent: 'lead-qualifier', version: 1, priority: 'high' })), { headers: h });
      },
    });
    const accepted = await post('/v1/agents/lead-qualifier/runs', { input: { message: 'hi' }, priority: 'high' });
    sub.unsubscribe();
    expect(accepted.status).toBe(202);
    expect(seen).toEqual([{ tenant, subject: 'ann@acme.test', priority: 'high', input: '{"message":"hi"}' }]);
  });
});

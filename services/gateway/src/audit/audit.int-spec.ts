import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { ErrorReplySchema, Headers, ListAuditReplySchema, ListAuditRequestSchema, VerifyAuditReplySchema, VerifyAuditRequestSchema } from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface StandInError {
  error: { code: string; message: string; path?: string };
}

/** Stand-in audit service answers for one tenant: the gateway's side is under test (the audit service has its own integration tests). */
function answer<I extends DescMessage, O extends DescMessage>(nc: NatsConnection, tenant: string, subject: string, req: I, res: O, fn: (request: ReturnType<typeof decode<I>>) => MessageInitShape<O> | StandInError) {
  return nc.subscribe(processNamespace().subject(subject), {
    callback: (_err, msg: Msg) => {
      if (msg.headers?.get(Headers.tenantId) !== tenant) return;
      const out = fn(decode(req, msg.data));
      const h = natsHeaders();
      h.set(Headers.status, 'error' in out ? 'error' : 'ok');
      msg.respond('error' in out ? encode(ErrorReplySchema, (out as StandInError).error) : encode(res, out as MessageInitShape<O>), { headers: h });
    },
  });
}

const token = (tenant: string, roles: string[]) =>
  new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject('paula').setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));

describe('GET /v1/audit and /v1/audit/verify over HTTP (stand-in audit service on real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  let pm: string;
  let developer: string;
  const lists: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    gw = await startGateway();
    pm = `Bearer ${await token(tenant, ['ProductManager'])}`;
    developer = `Bearer ${await token(tenant, ['Developer'])}`;
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'audit', instanceId: 'gw-audit-test' });
    answer(nc, tenant, 'af.v1.audit.list', ListAuditRequestSchema, ListAuditReplySchema, (r) => {
      lists.push({ action: r.action, actor: r.actor, resourceType: r.resourceType, resourceId: r.resourceId, since: r.since, until: r.until, limit: r.limit, cursor: r.cursor });
      if (r.cursor === 'stale') return { error: { code: 'INVALID_ARGUMENT', message: 'cursor is not one this list returned', path: '/cursor' } };
      return {
        items: [
          {
            seq: 7n,
            eventId: 'blueprint.updated:lead-qualifier:3',
            action: 'blueprint.updated',
            actor: 'paula',
            resourceType: 'blueprint',
            resourceId: 'lead-qualifier',
            outcome: 'success',
            detailsJson: '{"version":3}',
            at: '2026-11-24T10:00:00.000Z',
            service: 'blueprints',
            correlationId: 'c-1',
            prevHash: 'sha256:aa',
            hash: 'sha256:bb',
            recordedAt: '2026-11-24T10:00:00.100Z',
          },
        ],
        nextCursor: 'next',
      };
    });
    answer(nc, tenant, 'af.v1.audit.verify', VerifyAuditRequestSchema, VerifyAuditReplySchema, () => ({
      valid: false,
      checked: 9n,
      headSeq: 9n,
      headHash: 'sha256:cc',
      problems: [{ seq: 4n, eventId: 'e-4', kind: 'deleted', message: 'record 3 is missing before record 4' }],
    }));
    await nc.flush();
  }, 60_000);

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const get = (path: string, authorization = pm) => fetch(gw.url + path, { headers: { authorization } });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; path?: string } }).error;

  it('lists the tenant records with every filter passed on, details as JSON', async () => {
    const res = await get('/v1/audit?action=blueprint.updated&actor=paula&resourceType=blueprint&resourceId=lead-qualifier&since=2026-11-24T00:00:00Z&until=2026-11-25T00:00:00%2B01:00&limit=200&cursor=c0');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [
        {
          seq: 7,
          eventId: 'blueprint.updated:lead-qualifier:3',
          action: 'blueprint.updated',
          actor: 'paula',
          resourceType: 'blueprint',
          resourceId: 'lead-qualifier',
          outcome: 'success',
          details: { version: 3 },
          at: '2026-11-24T10:00:00.000Z',
          service: 'blueprints',
          correlationId: 'c-1',
          prevHash: 'sha256:aa',
          hash: 'sha256:bb',
          recordedAt: '2026-11-24T10:00:00.100Z',
        },
      ],
      nextCursor: 'next',
    });
    expect(lists.at(-1)).toEqual({ action: 'blueprint.updated', actor: 'paula', resourceType: 'blueprint', resourceId: 'lead-qualifier', since: '2026-11-24T00:00:00Z', until: '2026-11-25T00:00:00+01:00', limit: 200, cursor: 'c0' });
  });

  it('refuses bad query parameters with 400 at /query/<name>, before asking the audit service', async () => {
    const asked = lists.length;
    for (const [query, path] of [
      ['limit=0', '/query/limit'],
      ['limit=201', '/query/limit'],
      ['since=yesterday', '/query/since'],
      ['until=2026-11-24', '/query/until'],
      ['action=a&action=b', '/query/action'],
      [`actor=${'x'.repeat(257)}`, '/query/actor'],
      ['tenantId=other', '/query/tenantId'],
    ] as const) {
      const res = await get(`/v1/audit?${query}`);
      expect([res.status, await errorOf(res)]).toEqual([400, expect.objectContaining({ code: 'INVALID_ARGUMENT', path })]);
    }
    expect(lists.length).toBe(asked);
    const stale = await get('/v1/audit?cursor=stale');
    expect([stale.status, await errorOf(stale)]).toEqual([400, expect.objectContaining({ code: 'INVALID_ARGUMENT', path: '/query/cursor' })]);
  });

  it('verifies the chain and reports its problems', async () => {
    const res = await get('/v1/audit/verify');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ valid: false, checked: 9, headSeq: 9, headHash: 'sha256:cc', problems: [{ seq: 4, eventId: 'e-4', kind: 'deleted', message: 'record 3 is missing before record 4' }] });
  });

  it('needs ViewAudit: a Developer gets 403 on both routes', async () => {
    for (const path of ['/v1/audit', '/v1/audit/verify']) {
      const res = await get(path, developer);
      expect([res.status, (await errorOf(res)).code]).toEqual([403, 'PERMISSION_DENIED']);
    }
  });
});

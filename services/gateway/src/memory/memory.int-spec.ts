import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  ErrorReplySchema,
  ForgetSubjectReplySchema,
  ForgetSubjectRequestSchema,
  GetMemoryRequestSchema,
  Headers,
  MemoryGraphReplySchema,
  MemoryGraphRequestSchema,
  MemoryItemReplySchema,
  SearchMemoryReplySchema,
  SearchMemoryRequestSchema,
  StoreMemoryReplySchema,
  StoreMemoryRequestSchema,
  WorkingMemoryReplySchema,
  WorkingMemoryRequestSchema,
} from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface StandInError {
  error: { code: string; message: string; path?: string };
}
interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: Record<string, unknown> };
}

/** Stand-in memory service answers for one tenant (checked on the tenant header): the gateway's side is under test. */
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

const AT = '2026-11-24T10:00:00.000Z';
const ID = '7f3c2a52-5a8e-4c55-8f1e-2a7d6c1f0e77';
const ID2 = '8f3c2a52-5a8e-4c55-8f1e-2a7d6c1f0e88';
const item = (extra: Record<string, unknown> = {}) => ({ id: ID, tier: 'episodic', content: 'Alice Martin prefers e-mail', score: 0.8, subjectId: 'user-alice', agent: 'crm-bot', source: 'api', metadataJson: '{"channel":"support"}', createdAt: AT, ...extra });

describe('gateway /v1/memory over HTTP (a stand-in memory service on real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  const bearers: Record<string, string> = {};
  const seen: Record<string, unknown[]> = {};
  const record = (subject: string, value: unknown) => (seen[subject] ??= []).push(value);
  const token = (sub: string, roles: string[]) =>
    new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));
  /** The scope the gateway sent: a person is organization-level, never an agent's self. */
  const personScope = { agent: '', accessLevel: 'organization', team: '', readOnly: false };

  beforeAll(async () => {
    // More requests than the default plan's burst in one test (the 400 table): a roomy plan.
    gw = await startGateway({ env: { AF_RATE_LIMIT_PLANS: JSON.stringify({ free: { rps: 1_000, burst: 1_000 } }), AF_DEFAULT_PLAN: 'free' } });
    for (const [who, roles] of [
      ['viewer', ['Viewer']],
      ['dev', ['Developer']],
      ['pm', ['ProductManager']],
    ] as const)
      bearers[who] = await token(who, [...roles]);
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'memory', instanceId: 'gw-memory-test' });
    answer(nc, tenant, 'af.v1.memory.store', StoreMemoryRequestSchema, StoreMemoryReplySchema, (r) => {
      record('store', { subjectId: r.subjectId, content: r.content, source: r.source, metadataJson: r.metadataJson, scope: { ...r.scope } });
      return { id: ID, entities: ['Alice Martin'], created: true };
    });
    answer(nc, tenant, 'af.v1.memory.get', GetMemoryRequestSchema, MemoryItemReplySchema, (r) => {
      record('get', { id: r.id, scope: { ...r.scope } });
      return r.id === ID ? { item: item() } : { error: { code: 'NOT_FOUND', message: `memory ${r.id} not found`, path: '/id' } };
    });
    answer(nc, tenant, 'af.v1.memory.search', SearchMemoryRequestSchema, SearchMemoryReplySchema, (r) => {
      const { scope, $typeName: _t, ...rest } = r;
      record('search', { ...rest, scope: { ...scope } });
      if (r.tier === 'semantic') return { items: [item({ tier: 'semantic', score: 0.93, entities: ['Alice Martin'], neighbours: ['Acme Corp'], metadataJson: '' }), item({ id: ID2, tier: 'semantic', score: 0.41, subjectId: '', agent: '', source: '', metadataJson: '' })] };
      return { items: [item()] };
    });
    answer(nc, tenant, 'af.v1.memory.graph', MemoryGraphRequestSchema, MemoryGraphReplySchema, (r) => {
      record('graph', { entity: r.entity, depth: r.depth, scope: { ...r.scope } });
      return { entity: { name: r.entity, kind: 'person', mentions: 3n }, nodes: [{ name: 'Acme Corp', kind: 'organization', mentions: 2n }], edges: [{ from: r.entity, to: 'Acme Corp', relation: 'MENTIONED_WITH', weight: 2n }] };
    });
    answer(nc, tenant, 'af.v1.memory.subjects.forget', ForgetSubjectRequestSchema, ForgetSubjectReplySchema, (r) => {
      record('forget', { subjectId: r.subjectId, caller: r.caller?.subject });
      return { subjectId: r.subjectId, workingDeleted: 1n, episodicDeleted: 4n, semanticDeleted: 2n, verified: true };
    });
    answer(nc, tenant, 'af.v1.memory.working.get', WorkingMemoryRequestSchema, WorkingMemoryReplySchema, (r) => {
      record('working.get', { agent: r.agent, scope: r.scope, scopeId: r.scopeId, access: { ...r.access } });
      return { documentJson: '{"step":2}', version: 3n, messages: ['hi', 'hello'], ttlSeconds: 3_500n };
    });
    answer(nc, tenant, 'af.v1.memory.working.put', WorkingMemoryRequestSchema, WorkingMemoryReplySchema, (r) => {
      record('working.put', { agent: r.agent, scope: r.scope, scopeId: r.scopeId, documentJson: r.documentJson, expectedVersion: Number(r.expectedVersion), appendMessages: r.appendMessages, ttlSeconds: r.ttlSeconds, subjectId: r.subjectId });
      if (r.expectedVersion !== 3n) return { error: { code: 'CONFLICT', message: `working memory is at version 3, not ${r.expectedVersion}`, path: '/expectedVersion' } };
      return { documentJson: r.documentJson, version: 4n, messages: ['hi', 'hello', ...r.appendMessages], ttlSeconds: BigInt(r.ttlSeconds || 3_600) };
    });
    await nc.flush();
  }, 60_000);

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const call = async (who: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const body = init.body !== undefined ? JSON.stringify(init.body) : undefined;
    const res = await fetch(gw.url + path, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${bearers[who]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & ErrorBody };
  };

  it('POST /v1/memory stores at organization level (201 {id, entities}); GET /v1/memory/{id} answers the item, 404 for an unknown id', async () => {
    const stored = await call('pm', '/v1/memory', { method: 'POST', body: { subjectId: 'user-alice', content: 'Alice Martin prefers e-mail', source: 'crm', metadata: { channel: 'support' }, agent: 'crm-bot' } });
    expect(stored).toEqual({ status: 201, body: { id: ID, entities: ['Alice Martin'] } });
    expect(seen['store']).toEqual([{ subjectId: 'user-alice', content: 'Alice Martin prefers e-mail', source: 'crm', metadataJson: '{"channel":"support"}', scope: { ...personScope, agent: 'crm-bot', $typeName: 'af.v1.MemoryScope' } }]);
    await call('pm', '/v1/memory', { method: 'POST', body: { content: 'no subject' } });
    expect(seen['store']?.[1]).toMatchObject({ subjectId: '', source: 'api', metadataJson: '' });

    const one = await call('dev', `/v1/memory/${ID}`);
    expect(one).toEqual({
      status: 200,
      body: { id: ID, tier: 'episodic', content: 'Alice Martin prefers e-mail', score: 0.8, subjectId: 'user-alice', agent: 'crm-bot', team: null, source: 'api', metadata: { channel: 'support' }, createdAt: AT, entities: [], neighbours: [] },
    });
    expect(seen['get']?.[0]).toMatchObject({ id: ID, scope: personScope });
    const missing = await call('dev', '/v1/memory/9f3c2a52-5a8e-4c55-8f1e-2a7d6c1f0e99');
    expect({ status: missing.status, code: missing.body.error.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('GET /v1/memory/search forwards tier, filters and bounds, and answers the items best first as the service ranked them', async () => {
    const res = await call('dev', '/v1/memory/search?query=alice%20e-mail&tier=semantic&subjectId=user-alice&agent=crm-bot&limit=10&since=2026-11-01T00:00:00Z&until=2026-12-01T00:00:00Z');
    expect(res.status).toBe(200);
    const items = res.body['items'] as { id: string; score: number; tier: string; entities: string[]; neighbours: string[]; subjectId: string | null; metadata: unknown }[];
    expect(items.map((i) => [i.id, i.tier, i.score])).toEqual([
      [ID, 'semantic', 0.93],
      [ID2, 'semantic', 0.41],
    ]);
    expect(items[0]).toMatchObject({ entities: ['Alice Martin'], neighbours: ['Acme Corp'], metadata: null });
    expect(items[1]).toMatchObject({ subjectId: null, agent: null, source: null });
    expect(seen['search']?.[0]).toEqual({ query: 'alice e-mail', tier: 'semantic', subjectId: 'user-alice', agent: 'crm-bot', limit: 10, since: '2026-11-01T00:00:00Z', until: '2026-12-01T00:00:00Z', workingScope: '', workingScopeId: '', scope: { ...personScope, $typeName: 'af.v1.MemoryScope' } });
    expect((await call('dev', '/v1/memory/search?query=alice')).status).toBe(200);
    expect(seen['search']?.[1]).toMatchObject({ tier: '', limit: 0 });
    expect((await call('dev', '/v1/memory/search?tier=working&agent=crm-bot&scope=thread&scopeId=t-1')).status).toBe(200);
    expect(seen['search']?.[2]).toMatchObject({ query: '', tier: 'working', workingScope: 'thread', workingScopeId: 't-1' });
  });

  it('GET /v1/memory/graph answers the entity, its neighbours and the relations (depth 1 by default)', async () => {
    const res = await call('dev', '/v1/memory/graph?entity=Alice%20Martin');
    expect(res).toEqual({
      status: 200,
      body: { entity: { name: 'Alice Martin', kind: 'person', mentions: 3 }, nodes: [{ name: 'Acme Corp', kind: 'organization', mentions: 2 }], edges: [{ from: 'Alice Martin', to: 'Acme Corp', relation: 'MENTIONED_WITH', weight: 2 }] },
    });
    await call('dev', '/v1/memory/graph?entity=Acme&depth=3');
    expect(seen['graph']).toEqual([
      { entity: 'Alice Martin', depth: 1, scope: { ...personScope, $typeName: 'af.v1.MemoryScope' } },
      { entity: 'Acme', depth: 3, scope: { ...personScope, $typeName: 'af.v1.MemoryScope' } },
    ]);
  });

  it('DELETE /v1/memory/subjects/{subjectId} forgets in every tier with the caller (for the audit) and answers the counts and the read-back', async () => {
    const res = await call('pm', `/v1/memory/subjects/${encodeURIComponent('user.alice@example.com')}`, { method: 'DELETE' });
    expect(res).toEqual({ status: 200, body: { subjectId: 'user.alice@example.com', workingDeleted: 1, episodicDeleted: 4, semanticDeleted: 2, verified: true } });
    expect(seen['forget']).toEqual([{ subjectId: 'user.alice@example.com', caller: 'pm' }]);
  });

  it('working memory: GET answers document, version, window and TTL; PUT compare-and-sets (409 CONFLICT on a stale version)', async () => {
    const got = await call('dev', '/v1/memory/working/crm-bot/thread/t-42');
    expect(got).toEqual({ status: 200, body: { agent: 'crm-bot', scope: 'thread', scopeId: 't-42', document: { step: 2 }, version: 3, messages: ['hi', 'hello'], ttlSeconds: 3_500 } });
    expect(seen['working.get']).toEqual([{ agent: 'crm-bot', scope: 'thread', scopeId: 't-42', access: { ...personScope, $typeName: 'af.v1.MemoryScope' } }]);
    const put = await call('pm', '/v1/memory/working/crm-bot/thread/t-42', { method: 'PUT', body: { document: { step: 3 }, expectedVersion: 3, appendMessages: ['bye'], ttlSeconds: 600, subjectId: 'user-alice' } });
    expect(put).toEqual({ status: 200, body: { agent: 'crm-bot', scope: 'thread', scopeId: 't-42', document: { step: 3 }, version: 4, messages: ['hi', 'hello', 'bye'], ttlSeconds: 600 } });
    expect(seen['working.put']?.[0]).toEqual({ agent: 'crm-bot', scope: 'thread', scopeId: 't-42', documentJson: '{"step":3}', expectedVersion: 3, appendMessages: ['bye'], ttlSeconds: 600, subjectId: 'user-alice' });
    const stale = await call('pm', '/v1/memory/working/crm-bot/thread/t-42', { method: 'PUT', body: { document: { step: 3 }, expectedVersion: 2 } });
    expect({ status: stale.status, code: stale.body.error.code, path: stale.body.error.path }).toEqual({ status: 409, code: 'CONFLICT', path: '/expectedVersion' });
  });

  it('refuses bad input with 400 at the path at fault, before anything is sent', async () => {
    const before = JSON.stringify(seen);
    const cases: [string, string, unknown, string][] = [
      ['POST', '/v1/memory', {}, '/content'],
      ['POST', '/v1/memory', { content: '   ' }, '/content'],
      ['POST', '/v1/memory', { content: 'x'.repeat(16_385) }, '/content'],
      ['POST', '/v1/memory', { content: 'x', subjectId: 'has space' }, '/subjectId'],
      ['POST', '/v1/memory', { content: 'x', metadata: [1] }, '/metadata'],
      ['POST', '/v1/memory', { content: 'x', agent: 'Not_A_Name' }, '/agent'],
      ['POST', '/v1/memory', { content: 'x', tenantId: 'other' }, '/tenantId'],
      ['POST', '/v1/memory', 'just text', ''],
      ['GET', '/v1/memory/search?tier=semantic', undefined, '/query/query'],
      ['GET', '/v1/memory/search?tier=working&scope=thread&scopeId=t-1', undefined, '/query/agent'],
      ['GET', '/v1/memory/search?tier=working&agent=crm-bot', undefined, '/query/scope'],
      ['GET', '/v1/memory/search?query=a&scope=thread&scopeId=t-1', undefined, '/query/scope'],
      ['GET', '/v1/memory/search?query=a&subjectId=user:alice', undefined, '/query/subjectId'],
      ['GET', '/v1/memory/search?query=a&tier=longterm', undefined, '/query/tier'],
      ['GET', '/v1/memory/search?query=a&limit=101', undefined, '/query/limit'],
      ['GET', '/v1/memory/search?query=a&since=yesterday', undefined, '/query/since'],
      ['GET', '/v1/memory/search?query=a&since=2026-12-01T00:00:00Z&until=2026-11-01T00:00:00Z', undefined, '/query/since'],
      ['GET', `/v1/memory/search?query=${'q'.repeat(513)}`, undefined, '/query/query'],
      ['GET', '/v1/memory/search?query=a&tenant=other', undefined, '/query/tenant'],
      ['GET', '/v1/memory/search?query=a&query=b', undefined, '/query/query'],
      ['GET', '/v1/memory/search?tier=working&scope=thread', undefined, '/query/scopeId'],
      ['GET', '/v1/memory/graph', undefined, '/query/entity'],
      ['GET', '/v1/memory/graph?entity=A&depth=4', undefined, '/query/depth'],
      ['GET', '/v1/memory/bad%20id', undefined, '/id'],
      ['GET', '/v1/memory/mem-1', undefined, '/id'],
      ['GET', '/v1/memory/working/crm-bot/session/t-1', undefined, '/scope'],
      ['GET', '/v1/memory/working/Bad_Agent/thread/t-1', undefined, '/agent'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { expectedVersion: 0 }, '/document'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {} }, '/expectedVersion'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {}, expectedVersion: -1 }, '/expectedVersion'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {}, expectedVersion: 0, appendMessages: Array(101).fill('m') }, '/appendMessages'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {}, expectedVersion: 0, appendMessages: ['ok', 7] }, '/appendMessages/1'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {}, expectedVersion: 0, ttlSeconds: 1.5 }, '/ttlSeconds'],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {}, expectedVersion: 0, version: 9 }, '/version'],
      ['DELETE', '/v1/memory/subjects/has%20space', undefined, '/subjectId'],
    ];
    for (const [method, path, body, at] of cases) {
      const res = await call('pm', path, { method, body });
      expect({ method, path: path.slice(0, 80), status: res.status, code: res.body.error?.code, at: res.body.error?.path }).toEqual({ method, path: path.slice(0, 80), status: 400, code: 'INVALID_ARGUMENT', at });
    }
    expect(JSON.stringify(seen)).toBe(before);
  });

  it('a Viewer has no memory permission (403 everywhere); a Developer reads but cannot store, write working memory or forget', async () => {
    const routes: [string, string, unknown][] = [
      ['POST', '/v1/memory', { content: 'x' }],
      ['GET', `/v1/memory/${ID}`, undefined],
      ['GET', '/v1/memory/search?query=a', undefined],
      ['GET', '/v1/memory/graph?entity=A', undefined],
      ['GET', '/v1/memory/working/crm-bot/thread/t-1', undefined],
      ['PUT', '/v1/memory/working/crm-bot/thread/t-1', { document: {}, expectedVersion: 0 }],
      ['DELETE', '/v1/memory/subjects/user-alice', undefined],
    ];
    for (const [method, path, body] of routes) {
      const res = await call('viewer', path, { method, body });
      const needs = method === 'GET' ? 'ViewMemory' : 'ManageMemory';
      expect({ method, path, status: res.status, permission: res.body.error?.details?.['permission'] }).toEqual({ method, path, status: 403, permission: needs });
      if (method !== 'GET') {
        const dev = await call('dev', path, { method, body });
        expect({ method, path, status: dev.status, permission: dev.body.error?.details?.['permission'] }).toEqual({ method, path, status: 403, permission: 'ManageMemory' });
      }
    }
  });
});

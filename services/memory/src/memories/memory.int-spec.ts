import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import type { DataSource } from 'typeorm';
import { AuditEventSchema, parseTenantId, type MemoryScope, type StoreMemoryRequest } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import { testTenant } from '@af/testing';
import { loadMemoryConfig } from '../config.js';
import { EpisodeRepository } from '../episodes/episode.repository.js';
import { NEO4J_DRIVER } from '../graph/neo4j.module.js';
import { connectClient, startMemory, until } from '../test/harness.js';
import { MemoryRetention } from './memory-retention.js';
import { entryKey, subjectKey } from './working-store.repository.js';

type Scope = Partial<Omit<MemoryScope, '$typeName'>>;

/** Agent memory's three tiers against real PostgreSQL, Redis, Neo4j and NATS. */
describe('agent memory (working, episodic, semantic)', () => {
  const tenant = parseTenantId(testTenant());
  let memory: Awaited<ReturnType<typeof startMemory>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let redis: Redis;
  let neo4j: Driver;
  let db: DataSource;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    memory = await startMemory();
    client = await connectClient();
    jsm = await jetstreamManager(client.nc);
    redis = new Redis(loadMemoryConfig().redis.url, { keyPrefix: memory.redisKeyPrefix, lazyConnect: true });
    await redis.connect();
    neo4j = memory.service.app.get(NEO4J_DRIVER);
    db = memory.service.app.get(DATA_SOURCE);
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await client?.close();
    await memory?.stop([tenant]);
  }, 30_000);

  const store = (request: Partial<Omit<StoreMemoryRequest, '$typeName' | 'scope'>> & { scope?: Scope }) => client.bus.request('af.v1.memory.store', request, { tenantId: tenant });
  const search = (request: Record<string, unknown>) => client.bus.request('af.v1.memory.search', request, { tenantId: tenant });
  const working = (subject: 'af.v1.memory.working.get' | 'af.v1.memory.working.put', request: Record<string, unknown>) => client.bus.request(subject, request, { tenantId: tenant });
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };
  const pgCount = async (sql: string, params: unknown[]) =>
    withSystemScope(db, 'test: direct read-back', async (em) => Number(((await em.query(sql, params)) as { n: string }[])[0]!.n));
  const neoCount = async (cypher: string, params: Record<string, unknown>) => Number((await neo4j.executeQuery(cypher, { tenant, ...params })).records[0]!.get('n'));

  describe('working memory (Redis)', () => {
    it('creates, compare-and-sets by version, bounds the message window, and refuses a stale version with the current one', async () => {
      const address = { agent: 'support-bot', scope: 'thread', scopeId: `t-${randomUUID()}` };
      const first = await working('af.v1.memory.working.put', { ...address, documentJson: '{"step":1}', expectedVersion: 0n, appendMessages: ['hello'] });
      expect(first).toMatchObject({ documentJson: '{"step":1}', version: 1n, messages: ['hello'] });
      expect(Number(first.ttlSeconds)).toBeGreaterThan(86_000);
      const second = await working('af.v1.memory.working.put', { ...address, documentJson: '{"step":2}', expectedVersion: 1n, appendMessages: Array.from({ length: 60 }, (_, i) => `m${i}`) });
      expect(second.version).toBe(2n);
      expect(second.messages).toHaveLength(50);
      expect(second.messages.at(-1)).toBe('m59');
      const stale = await rejection(working('af.v1.memory.working.put', { ...address, documentJson: '{"step":3}', expectedVersion: 1n }));
      expect(stale.code).toBe(ErrorCode.Conflict);
      expect(stale.details).toMatchObject({ currentVersion: 2 });
      expect(await working('af.v1.memory.working.get', address)).toMatchObject({ documentJson: '{"step":2}', version: 2n });
    });

    it('expires after its TTL', async () => {
      const address = { agent: 'support-bot', scope: 'run', scopeId: `r-${randomUUID()}` };
      await working('af.v1.memory.working.put', { ...address, documentJson: '{"x":1}', expectedVersion: 0n, appendMessages: ['a'], ttlSeconds: 1 });
      expect((await working('af.v1.memory.working.get', address)).version).toBe(1n);
      await until(() => working('af.v1.memory.working.get', address), (r) => r.version === 0n, 5_000);
      expect(await redis.exists(entryKey(tenant, address.agent, address.scope, address.scopeId), `${entryKey(tenant, address.agent, address.scope, address.scopeId)}:msgs`)).toBe(0);
    });

    it('searches the scope’s document and messages; an agent cannot read another agent’s working memory', async () => {
      const address = { agent: 'support-bot', scope: 'user', scopeId: `u-${randomUUID()}` };
      await working('af.v1.memory.working.put', { ...address, documentJson: '{"plan":"refund"}', expectedVersion: 0n, appendMessages: ['the parcel is late', 'thanks'] });
      const found = await search({ tier: 'working', query: 'PARCEL', agent: 'support-bot', workingScope: 'user', workingScopeId: address.scopeId });
      expect(found.items.map((i) => i.content)).toEqual(['the parcel is late']);
      const denied = await rejection(working('af.v1.memory.working.get', { ...address, access: { agent: 'other-bot' } }));
      expect(denied.code).toBe(ErrorCode.PermissionDenied);
    });
  });

  describe('episodic memory (PostgreSQL)', () => {
    it('stores once per idempotency key and ranks full-text hits, with agent, subject and time filters', async () => {
      const key = `step-${randomUUID()}`;
      const a = await store({ content: 'Invoice 77 is overdue: send the invoice reminder, the invoice must be paid', subjectId: 'cust-1', source: 'email', metadataJson: '{"n":1}', idempotencyKey: key, scope: { agent: 'billing-bot' } });
      expect(a.created).toBe(true);
      expect(await store({ content: 'different text', idempotencyKey: key, scope: { agent: 'billing-bot' } })).toMatchObject({ id: a.id, created: false });
      const b = await store({ content: 'An invoice was sent to the customer', subjectId: 'cust-2', scope: { agent: 'sales-bot' } });
      await store({ content: 'Lunch menu for Friday: soup', scope: { agent: 'billing-bot' } });

      const ranked = await search({ tier: 'episodic', query: 'invoice' });
      expect(ranked.items.map((i) => i.id)).toEqual([a.id, b.id]);
      expect(ranked.items[0]!.score).toBeGreaterThan(ranked.items[1]!.score);
      expect(ranked.items[0]).toMatchObject({ tier: 'episodic', subjectId: 'cust-1', agent: 'billing-bot', source: 'email', metadataJson: '{"n":1}' });
      expect((await search({ tier: 'episodic', query: 'invoice', agent: 'sales-bot' })).items.map((i) => i.id)).toEqual([b.id]);
      expect((await search({ tier: 'episodic', query: 'invoice', subjectId: 'cust-1' })).items.map((i) => i.id)).toEqual([a.id]);
      expect((await search({ tier: 'episodic', query: 'invoice', since: new Date(Date.now() + 60_000).toISOString() })).items).toEqual([]);
      expect((await search({ tier: 'episodic', query: 'invoice', until: new Date(Date.now() - 3_600_000).toISOString() })).items).toEqual([]);
      expect((await search({ tier: 'episodic', query: 'invoice', limit: 1 })).items).toHaveLength(1);
      expect((await client.bus.request('af.v1.memory.get', { id: a.id }, { tenantId: tenant })).item).toMatchObject({ id: a.id, content: expect.stringContaining('Invoice 77') });
    });

    it('bounds every input with INVALID_ARGUMENT and the path', async () => {
      expect(await rejection(store({ content: 'x'.repeat(16 * 1024 + 1) }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/content' });
      expect(await rejection(store({ content: 'ok', metadataJson: JSON.stringify({ v: 'x'.repeat(8 * 1024) }) }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/metadataJson' });
      expect(await rejection(search({ tier: 'episodic', query: 'q'.repeat(513) }))).toMatchObject({ path: '/query' });
      expect(await rejection(search({ tier: 'episodic', query: 'q', limit: 101 }))).toMatchObject({ path: '/limit' });
      expect(await rejection(client.bus.request('af.v1.memory.graph', { entity: 'Acme', depth: 4 }, { tenantId: tenant }))).toMatchObject({ path: '/depth' });
    });

    it('deletes expired memories in the retention job', async () => {
      const { id } = await store({ content: 'short-lived note about retention', scope: { agent: 'billing-bot' } });
      await withSystemScope(db, 'test: expire a memory', (em) => em.query(`UPDATE memories SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]));
      const swept = await memory.service.app.get(MemoryRetention).sweep();
      expect(swept.memories).toBeGreaterThanOrEqual(1);
      expect(await pgCount('SELECT count(*) AS n FROM memories WHERE id = $1', [id])).toBe(0);
    });
  });

  describe('semantic memory (Neo4j)', () => {
    it('returns the nearest memory first, with its entities and their graph neighbours, in one query', async () => {
      const near = await store({ content: 'Ada Lovelace signed the Acme Corp contract worth $12,000 on 2024-05-01', scope: { agent: 'crm-bot' } });
      expect(near.entities).toEqual(['Ada Lovelace', 'Acme Corp', '$12,000', '2024-05-01']);
      await store({ content: 'Acme Corp hired Grace Hopper as advisor', scope: { agent: 'crm-bot' } });
      await store({ content: 'The weather in Paris is sunny and warm today', scope: { agent: 'crm-bot' } });

      const hits = await until(() => search({ tier: 'semantic', query: 'Ada Lovelace signed the Acme Corp contracts worth $12,000', agent: 'crm-bot', limit: 3 }), (r) => r.items.length === 3, 10_000);
      expect(hits.items[0]).toMatchObject({ id: near.id, tier: 'semantic' });
      expect(hits.items[0]!.score).toBeGreaterThan(hits.items[1]!.score);
      expect(hits.items.at(-1)!.content).toContain('Paris');
      expect(hits.items[0]!.entities).toEqual(expect.arrayContaining(['Ada Lovelace', 'Acme Corp']));
      expect(hits.items[0]!.neighbours).toContain('Grace Hopper');

      const graph = await client.bus.request('af.v1.memory.graph', { entity: 'Acme Corp', depth: 1 }, { tenantId: tenant });
      expect(graph.entity).toMatchObject({ name: 'Acme Corp', kind: 'organization', mentions: 2n });
      expect(graph.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['Ada Lovelace', 'Grace Hopper', '$12,000']));
      expect(graph.edges).toEqual(expect.arrayContaining([expect.objectContaining({ relation: 'RELATED', weight: 1n })]));
    });

    it('keeps RELATED weights exact under concurrent stores, replays and forget-subject', async () => {
      const tag = randomUUID().slice(0, 6).replace(/\d/g, 'x');
      // Names the extractor keeps whole: capitalised words, an organisation suffix.
      const org = `Quorv${tag} Labs`;
      const person = `Imelda Vossk${tag}`;
      const weight = (a: string, b: string) =>
        neoCount('MATCH (x:Entity {tenant: $tenant, name: $a})-[r:RELATED]-(y:Entity {tenant: $tenant, name: $b}) RETURN coalesce(sum(r.weight), 0) AS n', { a, b });
      const edges = (a: string, b: string) => neoCount('MATCH (:Entity {tenant: $tenant, name: $a})-[r:RELATED]-(:Entity {tenant: $tenant, name: $b}) RETURN count(r) AS n', { a, b });
      // 16 stores in flight mentioning the same entities (in varying order): no deadlock or lost update reaches the caller.
      const stores = Array.from({ length: 16 }, (_, i) =>
        store({ content: i % 2 ? `${org} met ${person} on 2031-01-${String(1 + (i % 9)).padStart(2, '0')}` : `${person} called ${org} about $${i + 1},000`, subjectId: `weights-${tag}-${i % 2}`, idempotencyKey: `weights-${tag}-${i}`, scope: { agent: 'crm-bot' } }),
      );
      await Promise.all(stores);
      expect(await weight(org, person)).toBe(16);
      expect(await edges(org, person)).toBe(1);
      // A replay of the same idempotency key changes nothing.
      await store({ content: `${org} met ${person} on 2031-01-02`, subjectId: `weights-${tag}-1`, idempotencyKey: `weights-${tag}-1`, scope: { agent: 'crm-bot' } });
      expect(await weight(org, person)).toBe(16);
      expect(await neoCount('MATCH (m:Memory {tenant: $tenant})-[:MENTIONS]->(:Entity {tenant: $tenant, name: $org}) RETURN count(m) AS n', { org })).toBe(16);
      // Forgetting one subject takes back exactly its 8 memories' share; the other's 8 remain.
      await client.bus.request('af.v1.memory.subjects.forget', { subjectId: `weights-${tag}-1` }, { tenantId: tenant });
      expect(await weight(org, person)).toBe(8);
      expect(await neoCount('MATCH (e:Entity {tenant: $tenant}) WHERE e.name STARTS WITH "2031-01-" RETURN count(e) AS n', {})).toBe(0);
      await client.bus.request('af.v1.memory.subjects.forget', { subjectId: `weights-${tag}-0` }, { tenantId: tenant });
      expect(await edges(org, person)).toBe(0);
      expect(await neoCount('MATCH (e:Entity {tenant: $tenant}) WHERE e.name IN $names RETURN count(e) AS n', { names: [org, person] })).toBe(0);
    }, 60_000);
  });

  describe('access levels and read-only', () => {
    it('self sees only its agent’s memories, team only its team’s', async () => {
      const marker = `zanzibar${randomUUID().slice(0, 8)}`;
      const stored = await store({ content: `Red team secret plan ${marker}`, scope: { agent: 'agent-a', team: 'red', accessLevel: 'team' } });
      const ids = async (scope: Scope, tier: 'episodic' | 'semantic') => (await search({ tier, query: marker, scope })).items.map((i) => i.id);
      for (const tier of ['episodic', 'semantic'] as const) {
        expect(await until(() => ids({ agent: 'agent-a', accessLevel: 'self' }, tier), (found) => found.length > 0, 10_000)).toEqual([stored.id]);
        expect(await ids({ agent: 'agent-b', accessLevel: 'self', team: 'red' }, tier)).toEqual([]);
        expect(await ids({ agent: 'agent-b', accessLevel: 'team', team: 'red' }, tier)).toEqual([stored.id]);
        expect(await ids({ agent: 'agent-c', accessLevel: 'team', team: 'blue' }, tier)).toEqual([]);
        // Organization: the tenant's memories (semantic answers the k nearest, this one first).
        expect((await ids({}, tier))[0]).toBe(stored.id);
      }
      expect(await rejection(client.bus.request('af.v1.memory.get', { id: stored.id, scope: { agent: 'agent-c', accessLevel: 'team', team: 'blue' } }, { tenantId: tenant }))).toMatchObject({ code: ErrorCode.NotFound });
      expect(await rejection(search({ tier: 'episodic', query: marker, scope: { agent: 'agent-a', accessLevel: 'crossOrganization' } }))).toMatchObject({ code: ErrorCode.PermissionDenied });
    });

    it('a read-only scope writes nothing in any tier', async () => {
      const marker = `readonly${randomUUID().slice(0, 8)}`;
      const refused = await rejection(store({ content: `Do not keep ${marker}`, subjectId: 'ro-1', scope: { agent: 'agent-a', readOnly: true } }));
      expect(refused).toMatchObject({ code: ErrorCode.PermissionDenied, message: expect.stringContaining('read-only memory') });
      const address = { agent: 'agent-a', scope: 'run', scopeId: `ro-${randomUUID()}` };
      expect(await rejection(working('af.v1.memory.working.put', { ...address, documentJson: '{}', expectedVersion: 0n, subjectId: 'ro-1', access: { agent: 'agent-a', readOnly: true } }))).toMatchObject({ code: ErrorCode.PermissionDenied });
      expect(await pgCount(`SELECT count(*) AS n FROM memories WHERE content LIKE $1`, [`%${marker}%`])).toBe(0);
      expect(await neoCount('MATCH (m:Memory {tenant: $tenant}) WHERE m.content CONTAINS $marker RETURN count(m) AS n', { marker })).toBe(0);
      expect(await redis.exists(entryKey(tenant, address.agent, address.scope, address.scopeId), subjectKey(tenant, 'ro-1'))).toBe(0);
    });
  });

  describe('forget-subject', () => {
    it('deletes the subject in every tier, verifies by reading back, keeps what others still mention, and audits', async () => {
      const subject = `person-${randomUUID().slice(0, 8)}`;
      await store({ content: 'Zebulon Quartermaine asked about Acme Corp pricing', subjectId: subject, scope: { agent: 'sales-bot' } });
      await store({ content: 'Zebulon Quartermaine paid €500 on 2024-06-01', subjectId: subject, scope: { agent: 'billing-bot' } });
      const address = { agent: 'sales-bot', scope: 'user', scopeId: subject };
      await working('af.v1.memory.working.put', { ...address, documentJson: '{"name":"Zebulon"}', expectedVersion: 0n, subjectId: subject, appendMessages: ['hi'] });
      await memory.service.app.get(EpisodeRepository).record(tenant, {
        runId: randomUUID(), agent: 'sales-bot', version: 1, outcome: 'succeeded', attempt: 1, summary: 'sales-bot v1 succeeded', input: { subjectId: subject, q: 'price' }, output: { ok: true }, error: null, occurredAt: new Date(),
      });
      expect(await pgCount('SELECT count(*) AS n FROM episodes WHERE tenant_id = $1 AND subject_id = $2', [tenant, subject])).toBe(1);

      const reply = await client.bus.request('af.v1.memory.subjects.forget', { subjectId: subject, caller: { subject: 'dpo@acme.example' } }, { tenantId: tenant });
      expect(reply).toMatchObject({ subjectId: subject, workingDeleted: 1n, episodicDeleted: 3n, verified: true });
      expect(reply.semanticDeleted).toBeGreaterThanOrEqual(2n);

      expect(await pgCount('SELECT count(*) AS n FROM memories WHERE tenant_id = $1 AND subject_id = $2', [tenant, subject])).toBe(0);
      expect(await pgCount('SELECT count(*) AS n FROM episodes WHERE tenant_id = $1 AND subject_id = $2', [tenant, subject])).toBe(0);
      expect(await pgCount(`SELECT count(*) AS n FROM memories WHERE tenant_id = $1 AND content LIKE '%Zebulon%'`, [tenant])).toBe(0);
      expect(await neoCount('MATCH (m:Memory {tenant: $tenant}) WHERE m.subjectId = $subject OR m.content CONTAINS $name RETURN count(m) AS n', { subject, name: 'Zebulon' })).toBe(0);
      expect(await neoCount('MATCH (e:Entity {tenant: $tenant}) WHERE e.name IN $names RETURN count(e) AS n', { names: ['Zebulon Quartermaine', '€500', '2024-06-01'] })).toBe(0);
      expect(await neoCount("MATCH (e:Entity {tenant: $tenant, name: 'Acme Corp'}) RETURN count(e) AS n", {})).toBe(1);
      const key = entryKey(tenant, address.agent, address.scope, address.scopeId);
      expect(await redis.exists(key, `${key}:msgs`, subjectKey(tenant, subject))).toBe(0);

      const ns = processNamespace();
      const audit = await until(
        async () => fromBinary(AuditEventSchema, (await jsm.streams.getMessage(ns.streamName('AF_AUDIT'), { last_by_subj: ns.subject('af.v1.audit.record') }))!.data),
        (e) => e.resourceId === subject,
        5_000,
      );
      expect(audit).toMatchObject({ action: 'memory.subject.forgotten', actor: 'dpo@acme.example', outcome: 'success', service: 'memory' });
      expect(JSON.parse(audit.detailsJson)).toMatchObject({ workingDeleted: 1, episodicDeleted: 3, verified: true });
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fromBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { DeadLetterRecordedSchema, parseTenantId, type AuditEventSchema, type ListAuditRequest } from '@af/contracts';
import { AppError } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { recomputeHash } from './audit-chain.js';
import { AuditService } from './audit.service.js';
import { connectClient, sql, startAudit, type AuditUnderTest } from '../test/harness.js';

type Event = MessageInitShape<typeof AuditEventSchema>;

describe('audit log against real PostgreSQL and NATS', () => {
  let audit: AuditUnderTest;
  let second: AuditUnderTest;
  let client: Awaited<ReturnType<typeof connectClient>>;

  beforeAll(async () => {
    audit = await startAudit();
    second = await startAudit({}, { schema: audit.schema });
    client = await connectClient();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await second?.stop();
    await audit?.stop();
  });

  const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
  const event = (n: number, over: Partial<Event> = {}): Event => ({
    eventId: `blueprint.updated:lead-qualifier:${n}`,
    action: 'blueprint.updated',
    actor: 'alice@acme.example',
    resourceType: 'blueprint',
    resourceId: 'lead-qualifier',
    outcome: 'success',
    detailsJson: JSON.stringify({ version: n, contentHash: `sha256:${n}` }),
    atMs: BigInt(T0 + n * 1_000),
    service: 'blueprints',
    ...over,
  });
  const publish = (tenant: string, e: Event, msgId = `audit:${tenant}:${e.eventId}`) => client.bus.publish('af.v1.audit.record', e, { msgId, tenantId: tenant });
  const list = (tenant: string, request: Partial<Omit<ListAuditRequest, '$typeName'>> = {}) => client.bus.request('af.v1.audit.list', request, { tenantId: tenant });
  const verify = (tenant: string) => client.bus.request('af.v1.audit.verify', {}, { tenantId: tenant });
  const problemsOf = async (tenant: string) => (await verify(tenant)).problems.map((p) => ({ seq: Number(p.seq), eventId: p.eventId, kind: p.kind }));
  const ackedPast = async (seq: number) => {
    const ns = processNamespace();
    await until(() => client.jsm.consumers.info(ns.streamName('AF_AUDIT'), 'audit-records'), (i) => i.ack_floor.stream_seq >= seq, 15_000);
  };
  /**
   * Publishes events one after the other, each recorded before the next is sent: two instances
   * consume the stream, so events published at once may be recorded in either order (seq is the
   * order of recording).
   */
  const publishInOrder = async (tenant: string, events: Event[]) => {
    const before = (await list(tenant, { limit: 200 })).items.length;
    for (const [i, e] of events.entries()) {
      await publish(tenant, e);
      await until(() => list(tenant, { limit: 200 }), (r) => r.items.length === before + i + 1);
    }
  };
  /** A tenant whose chain holds records 1..n (published, consumed and listed). */
  const chainOf = async (n: number) => {
    const tenant = parseTenantId(testTenant());
    await publishInOrder(tenant, Array.from({ length: n }, (_, i) => event(i + 1)));
    return tenant;
  };
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };

  it('appends events to the tenant chain: seq 1, 2, 3, each linked to the previous hash and sealed over its content', async () => {
    const tenant = await chainOf(3);
    const { items, nextCursor } = await list(tenant);
    expect(nextCursor).toBe('');
    expect(items.map((r) => Number(r.seq))).toEqual([3, 2, 1]);
    const [third, second_, first] = items;
    expect(first).toMatchObject({ eventId: 'blueprint.updated:lead-qualifier:1', action: 'blueprint.updated', actor: 'alice@acme.example', resourceType: 'blueprint', resourceId: 'lead-qualifier', outcome: 'success', service: 'blueprints', prevHash: '' });
    expect(first!.at).toBe(new Date(T0 + 1_000).toISOString());
    expect(JSON.parse(first!.detailsJson)).toEqual({ version: 1, contentHash: 'sha256:1' });
    expect(first!.correlationId).not.toBe('');
    expect(second_!.prevHash).toBe(first!.hash);
    expect(third!.prevHash).toBe(second_!.hash);
    for (const r of items) {
      expect(r.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(recomputeHash({ ...r, tenantId: tenant, seq: Number(r.seq), at: new Date(r.at) })).toBe(r.hash);
    }
    expect(await verify(tenant)).toMatchObject({ valid: true, checked: 3n, problems: [], headSeq: 3n, headHash: third!.hash });
  });

  it('a redelivered event (same event id, a new message) is not appended twice', async () => {
    const tenant = parseTenantId(testTenant());
    await publish(tenant, event(1));
    const again = await publish(tenant, event(1), `audit:${randomUUID()}`);
    expect(again.duplicate).toBe(false);
    await ackedPast(again.seq);
    const { items } = await list(tenant);
    expect(items.map((r) => [Number(r.seq), r.eventId])).toEqual([[1, 'blueprint.updated:lead-qualifier:1']]);
    // And through the service directly: recording it again is a no-op.
    await audit.service.app.get(AuditService).record(tenant, { ...event(1), $typeName: 'af.v1.AuditEvent' } as never, 'c-again');
    expect((await list(tenant)).items).toHaveLength(1);
    expect((await verify(tenant)).valid).toBe(true);
  });

  it('concurrent appends from two instances keep one chain: seq 1..n without a gap, a duplicate or a fork', async () => {
    const tenant = parseTenantId(testTenant());
    const services = [audit.service.app.get(AuditService), second.service.app.get(AuditService)];
    // 60 direct appends at once, half on each instance (their own pools), plus 40 through the consumer.
    const direct = Array.from({ length: 60 }, (_, i) => services[i % 2]!.record(tenant, { ...event(i + 1, { eventId: `direct-${i}` }), $typeName: 'af.v1.AuditEvent' } as never, `c-${i}`));
    const published = Array.from({ length: 40 }, (_, i) => publish(tenant, event(100 + i, { eventId: `published-${i}` })));
    await Promise.all([...direct, ...published]);
    const { items } = await until(() => list(tenant, { limit: 200 }), (r) => r.items.length >= 100, 20_000);
    expect(items).toHaveLength(100);
    expect(items.map((r) => Number(r.seq)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(items.map((r) => r.eventId)).size).toBe(100);
    expect(await verify(tenant)).toMatchObject({ valid: true, checked: 100n, headSeq: 100n });
  }, 60_000);

  it('an event whose details exceed 4 KiB is refused and dead-lettered, not appended', async () => {
    const tenant = parseTenantId(testTenant());
    const big = event(1, { eventId: `big-${randomUUID()}`, detailsJson: JSON.stringify({ blob: 'x'.repeat(5_000) }) });
    const { seq } = await publish(tenant, big);
    const ns = processNamespace();
    const dead = await until(
      async () => {
        try {
          const m = await client.jsm.streams.getMessage(ns.streamName('AF_DLQ'), { last_by_subj: ns.subject('af.v1.deadletters.record') });
          return m ? fromBinary(DeadLetterRecordedSchema, m.data) : null;
        } catch {
          return null;
        }
      },
      (d) => d !== null && d.stream === 'AF_AUDIT' && Number(d.streamSeq) === seq,
      15_000,
    );
    expect(dead).toMatchObject({ consumer: 'audit-records', source: 'terminated', code: 'PAYLOAD_TOO_LARGE' });
    await ackedPast(seq);
    expect((await list(tenant)).items).toHaveLength(0);
  });

  it('lists newest first with filters and a cursor; bad filters are refused with their path', async () => {
    const tenant = parseTenantId(testTenant());
    await publishInOrder(tenant, [
      event(1),
      event(2, { actor: 'bob@acme.example' }),
      event(3, { eventId: 'deployment.created:d-1', action: 'deployment.created', resourceType: 'deployment', resourceId: 'd-1', service: 'deployment' }),
      event(4),
    ]);

    const page1 = await list(tenant, { limit: 3 });
    expect(page1.items.map((r) => Number(r.seq))).toEqual([4, 3, 2]);
    const page2 = await list(tenant, { limit: 3, cursor: page1.nextCursor });
    expect(page2.items.map((r) => Number(r.seq))).toEqual([1]);
    expect(page2.nextCursor).toBe('');
    expect((await list(tenant, { action: 'deployment.created' })).items.map((r) => r.eventId)).toEqual(['deployment.created:d-1']);
    expect((await list(tenant, { actor: 'bob@acme.example' })).items.map((r) => Number(r.seq))).toEqual([2]);
    expect((await list(tenant, { resourceType: 'blueprint', resourceId: 'lead-qualifier' })).items.map((r) => Number(r.seq))).toEqual([4, 2, 1]);
    const window = await list(tenant, { since: new Date(T0 + 2_000).toISOString(), until: new Date(T0 + 4_000).toISOString() });
    expect(window.items.map((r) => Number(r.seq))).toEqual([3, 2]);

    for (const [request, path] of [
      [{ limit: 201 }, '/limit'],
      [{ since: 'yesterday' }, '/since'],
      [{ since: '2026-11-24T10:00:00Z', until: '2026-11-24T09:00:00Z' }, '/until'],
      [{ cursor: 'not-a-cursor' }, '/cursor'],
      [{ action: 'a'.repeat(65) }, '/action'],
    ] as const) {
      const error = await rejection(list(tenant, request));
      expect([error.code, error.path]).toEqual(['INVALID_ARGUMENT', path]);
    }
  });

  it('another tenant lists and verifies only its own chain', async () => {
    const a = await chainOf(3);
    const b = await chainOf(2);
    const aIds = new Set((await list(a)).items.map((r) => r.hash));
    const bIds = new Set((await list(b)).items.map((r) => r.hash));
    expect([...aIds].some((h) => bIds.has(h))).toBe(false);
    expect(await verify(a)).toMatchObject({ valid: true, checked: 3n, headSeq: 3n });
    expect(await verify(b)).toMatchObject({ valid: true, checked: 2n, headSeq: 2n });
    expect((await list(parseTenantId(testTenant()))).items).toEqual([]);
    expect(await verify(parseTenantId(testTenant()))).toMatchObject({ valid: true, checked: 0n, headSeq: 0n, headHash: '' });
  });

  describe('tampering directly in PostgreSQL (as the owner) is reported at exactly that record', () => {
    const owner = (text: string, params: unknown[]) => sql(audit.ownerUrl, audit.schema, text, params);

    it('UPDATE one row: altered', async () => {
      const tenant = await chainOf(5);
      const { rowCount } = await owner(`UPDATE audit_records SET actor = 'mallory' WHERE tenant_id = $1 AND seq = 3`, [tenant]);
      expect(rowCount).toBe(1);
      expect(await problemsOf(tenant)).toEqual([{ seq: 3, eventId: 'blueprint.updated:lead-qualifier:3', kind: 'altered' }]);
    });

    it('INSERT one forged row (correct link and hash): inserted', async () => {
      const tenant = await chainOf(5);
      const last = (await list(tenant, { limit: 1 })).items[0]!;
      const forged = { tenantId: tenant, seq: 6, eventId: 'forged', action: 'apikey.created', actor: 'mallory', resourceType: 'apikey', resourceId: 'k', outcome: 'success', detailsJson: '{}', at: new Date(T0), service: 'gateway', correlationId: 'c', prevHash: last.hash, hash: '' };
      forged.hash = recomputeHash(forged) as string;
      await owner(
        `INSERT INTO audit_records (tenant_id, seq, event_id, action, actor, resource_type, resource_id, outcome, details_json, at, service, correlation_id, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [tenant, forged.seq, forged.eventId, forged.action, forged.actor, forged.resourceType, forged.resourceId, forged.outcome, forged.detailsJson, forged.at, forged.service, forged.correlationId, forged.prevHash, forged.hash],
      );
      expect(await problemsOf(tenant)).toEqual([{ seq: 6, eventId: 'forged', kind: 'inserted' }]);
    });

    it('DELETE one row in the middle: deleted, reported at the record after it', async () => {
      const tenant = await chainOf(5);
      const { rowCount } = await owner(`DELETE FROM audit_records WHERE tenant_id = $1 AND seq = 3`, [tenant]);
      expect(rowCount).toBe(1);
      expect(await problemsOf(tenant)).toEqual([{ seq: 4, eventId: 'blueprint.updated:lead-qualifier:4', kind: 'deleted' }]);
    });

    it('DELETE the last row: deleted, found against the head', async () => {
      const tenant = await chainOf(5);
      const { rowCount } = await owner(`DELETE FROM audit_records WHERE tenant_id = $1 AND seq = 5`, [tenant]);
      expect(rowCount).toBe(1);
      const reply = await verify(tenant);
      expect(reply).toMatchObject({ valid: false, checked: 4n, headSeq: 5n });
      expect(reply.problems.map((p) => ({ seq: Number(p.seq), kind: p.kind }))).toEqual([{ seq: 5, kind: 'deleted' }]);
    });

    it('after tampering the chain goes on: new events append after the head, and only the tampered record is reported', async () => {
      const tenant = await chainOf(3);
      await owner(`UPDATE audit_records SET details_json = '{"version":99}' WHERE tenant_id = $1 AND seq = 2`, [tenant]);
      await publishInOrder(tenant, [event(4)]);
      expect(await problemsOf(tenant)).toEqual([{ seq: 2, eventId: 'blueprint.updated:lead-qualifier:2', kind: 'altered' }]);
    });
  });
});

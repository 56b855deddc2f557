import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { jetstreamManager } from '@nats-io/jetstream';
import { ActiveDeploymentSchema, RunCancelledSchema, activeDeploymentKey, consumers, kvBuckets, parseTenantId, type TenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { KvBuckets, decode, processNamespace } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import { testTenant, until } from '@af/testing';
import { connectClient, startOrchestrator } from '../test/harness.js';
import { IdempotencyKeySweeper } from './idempotency-key.sweeper.js';

describe('the run as a persisted state machine (real NATS JetStream and PostgreSQL)', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());

  async function deploy(t: TenantId, agent: string, version: number): Promise<void> {
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    await kv.put(activeDeploymentKey(t, agent), toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: `d-${agent}`, agent, version, artifactHash: 'sha256:abc', activatedAtMs: 1n })));
  }

  beforeAll(async () => {
    orchestrator = await startOrchestrator({ ORCHESTRATOR_OUTBOX_INTERVAL_MS: '3600000' });
    client = await connectClient();
    await deploy(tenant, 'lead-qualifier', 3);
  });

  afterAll(async () => {
    await client?.close();
    await orchestrator?.stop();
  });

  const submit = (t: TenantId, inputJson = '{}', extra: { idempotencyKey?: string; priority?: string; agent?: string } = {}) =>
    client.bus.request('af.v1.runs.submit', { agent: 'lead-qualifier', inputJson, ...extra }, { tenantId: t });
  const history = (t: TenantId, runId: string, afterSeq = 0) => client.bus.request('af.v1.runs.transitions.list', { runId, afterSeq }, { tenantId: t });
  const started = (t: TenantId, runId: string, attempt = 1, workerId = 'w-1') =>
    client.bus.publish('af.v1.runs.event.started', { runId, attempt, workerId, atMs: BigInt(Date.now()) }, { msgId: `t-started-${runId}-${attempt}`, tenantId: t });
  const succeeded = (t: TenantId, runId: string, attempt = 1) =>
    client.bus.publish('af.v1.runs.event.succeeded', { runId, attempt, outputJson: '{"ok":true}', atMs: BigInt(Date.now()) }, { msgId: `t-ok-${runId}-${attempt}`, tenantId: t });

  /** Waits until the orchestrator's durable consumer has acknowledged stream message `seq` (handled, not merely delivered). */
  async function handled(seq: number): Promise<void> {
    const jsm = await jetstreamManager(client.nc);
    const consumer = consumers['orchestrator-run-events'];
    const info = await until(() => jsm.consumers.info(processNamespace().streamName(consumer.stream), consumer.durable), (i) => i.ack_floor.stream_seq >= seq);
    expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(seq);
  }

  it('stores queued → running → succeeded in order, and a late or duplicate event changes nothing and stores nothing', async () => {
    const { runId } = await submit(tenant);
    await handled((await started(tenant, runId, 1, 'w-7')).seq);
    await handled((await succeeded(tenant, runId)).seq);
    const done = await history(tenant, runId);
    expect(done).toMatchObject({ runId, status: 'succeeded', final: true });
    expect(done.items.map((t) => [t.seq, t.fromStatus, t.toStatus, t.attempt])).toEqual([
      [1, '', 'queued', 0],
      [2, 'queued', 'running', 1],
      [3, 'running', 'succeeded', 1],
    ]);
    expect(done.items[1]).toMatchObject({ workerId: 'w-7', reason: expect.stringContaining('w-7') });
    const run = (await client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant })).run;
    expect(run).toMatchObject({ status: 'succeeded', workerId: 'w-7', priority: 'normal', attempts: 1 });
    expect(run?.startedAt).not.toBe('');

    // A late start (a redelivery after the finish) and a late failure: handled (acked), refused.
    await handled((await started(tenant, runId, 2, 'w-8')).seq);
    const lateFail = await client.bus.publish('af.v1.runs.event.failed', { runId, attempt: 2, error: { code: 'INTERNAL', message: 'x' }, atMs: BigInt(Date.now()) }, { msgId: `t-fail-${runId}`, tenantId: tenant });
    await handled(lateFail.seq);
    const after = await history(tenant, runId);
    expect(after.status).toBe('succeeded');
    expect(after.items).toHaveLength(3);
    expect((await history(tenant, runId, 2)).items.map((t) => t.seq)).toEqual([3]);
    expect((await client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant })).run).toMatchObject({ status: 'succeeded', workerId: 'w-7', outputJson: '{"ok":true}' });
    const metrics = await orchestrator.service.app.get(MetricsRegistry).text();
    expect(metrics).toMatch(/^af_run_queue_seconds_count\{[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^af_run_duration_seconds_count\{[^}]*status="succeeded"[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^af_run_transitions_total\{[^}]*to="running"[^}]*\} [1-9]/m);
  });

  it('cancels a queued run (stored with reason and caller, RunCancelled published) and refuses to cancel a final one with 409 and its status', async () => {
    const { runId } = await submit(tenant);
    const reply = await client.bus.request('af.v1.runs.cancel', { runId, reason: 'wrong input', caller: { subject: 'alice' } }, { tenantId: tenant });
    expect(reply.run).toMatchObject({ runId, status: 'cancelled' });
    expect(reply.run?.finishedAt).not.toBe('');
    const h = await history(tenant, runId);
    expect(h).toMatchObject({ status: 'cancelled', final: true });
    expect(h.items.at(-1)).toMatchObject({ fromStatus: 'queued', toStatus: 'cancelled', reason: 'cancelled by alice: wrong input' });

    const jsm = await jetstreamManager(client.nc);
    const stored = await jsm.streams.getMessage(processNamespace().streamName('AF_EVENTS'), { last_by_subj: processNamespace().subject('af.v1.runs.event.cancelled') });
    expect(decode(RunCancelledSchema, stored!.data)).toMatchObject({ runId, reason: 'wrong input', cancelledBy: 'alice', agent: 'lead-qualifier', version: 3 });
    expect(stored!.header.get('Nats-Msg-Id')).toBe(`run-cancelled:${runId}`);
    // The orchestrator's own consumer takes it (acknowledged, not redelivered into a dead letter).
    await handled(stored!.seq);

    // A result arriving for the cancelled run keeps it cancelled, with no transition stored.
    await handled((await succeeded(tenant, runId)).seq);
    expect(await history(tenant, runId)).toMatchObject({ status: 'cancelled', items: h.items });

    await expect(client.bus.request('af.v1.runs.cancel', { runId, reason: '' }, { tenantId: tenant })).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      message: expect.stringContaining('cancelled'),
      details: { status: 'cancelled' },
    });
    const other = parseTenantId(testTenant());
    await expect(client.bus.request('af.v1.runs.cancel', { runId, reason: '' }, { tenantId: other })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(history(other, runId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('cancels a running run; its late success does not resurrect it', async () => {
    const { runId } = await submit(tenant);
    await handled((await started(tenant, runId)).seq);
    await client.bus.request('af.v1.runs.cancel', { runId, reason: '', caller: { subject: 'bob' } }, { tenantId: tenant });
    await handled((await succeeded(tenant, runId)).seq);
    const h = await history(tenant, runId);
    expect(h.items.map((t) => t.toStatus)).toEqual(['queued', 'running', 'cancelled']);
  });

  it('lists a tenant’s runs newest first with filters and a keyset cursor over every page', async () => {
    const lister = parseTenantId(testTenant());
    await deploy(lister, 'lead-qualifier', 1);
    await deploy(lister, 'other-agent', 1);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await submit(lister, `{"i":${i}}`, i % 2 ? { agent: 'other-agent', priority: 'high' } : {})).runId);
    await client.bus.request('af.v1.runs.cancel', { runId: ids[6]!, reason: '' }, { tenantId: lister });

    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await client.bus.request('af.v1.runs.list', { limit: 3, cursor }, { tenantId: lister });
      seen.push(...page.items.map((r) => r.runId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const others = await client.bus.request('af.v1.runs.list', { agent: 'other-agent' }, { tenantId: lister });
    expect(others.items.map((r) => r.runId)).toEqual([ids[5], ids[3], ids[1]]);
    expect(others.items[0]).toMatchObject({ agent: 'other-agent', priority: 'high', status: 'queued', attempts: 0 });
    const cancelled = await client.bus.request('af.v1.runs.list', { status: 'cancelled' }, { tenantId: lister });
    expect(cancelled.items.map((r) => r.runId)).toEqual([ids[6]]);
    expect((await client.bus.request('af.v1.runs.list', { since: new Date(Date.now() + 60_000).toISOString() }, { tenantId: lister })).items).toEqual([]);
    // Tenant-scoped: the first tenant's runs are not in this list, and this one's are not in it.
    expect((await client.bus.request('af.v1.runs.list', { limit: 100 }, { tenantId: tenant })).items.some((r) => ids.includes(r.runId))).toBe(false);

    const bad = (request: Record<string, unknown>) => client.bus.request('af.v1.runs.list', request, { tenantId: lister });
    await expect(bad({ status: 'done' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/status' });
    await expect(bad({ since: 'yesterday' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/since' });
    await expect(bad({ limit: 101 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/limit' });
    await expect(bad({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/cursor' });
    await expect(bad({ agent: 'Bad Agent' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/agent' });
  });

  it('answers the same Idempotency-Key and request with the original run, a different request with IDEMPOTENCY_KEY_REUSED', async () => {
    const first = await submit(tenant, '{"a":1,"b":2}', { idempotencyKey: 'order-42' });
    expect(first).toMatchObject({ status: 'queued', replayed: false, priority: 'normal' });
    // The same JSON with keys in another order is the same request.
    const again = await submit(tenant, '{"b":2,"a":1}', { idempotencyKey: 'order-42' });
    expect(again).toMatchObject({ runId: first.runId, replayed: true });
    await expect(submit(tenant, '{"a":1,"b":3}', { idempotencyKey: 'order-42' })).rejects.toMatchObject({ code: ErrorCode.IdempotencyKeyReused, path: '/idempotencyKey' });
    await expect(submit(tenant, '{"a":1,"b":2}', { idempotencyKey: 'order-42', priority: 'high' })).rejects.toMatchObject({ code: ErrorCode.IdempotencyKeyReused });
    // Keys are per tenant.
    const other = parseTenantId(testTenant());
    await deploy(other, 'lead-qualifier', 1);
    expect((await submit(other, '{"a":1,"b":2}', { idempotencyKey: 'order-42' })).runId).not.toBe(first.runId);
    await expect(submit(tenant, '{}', { idempotencyKey: 'bad\nkey' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/idempotencyKey' });
    await expect(submit(tenant, '{}', { priority: 'urgent' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/priority' });
    // A sweep keeps keys younger than their time to live (24 h).
    await orchestrator.service.app.get(IdempotencyKeySweeper).sweep();
    expect((await submit(tenant, '{"a":1,"b":2}', { idempotencyKey: 'order-42' })).runId).toBe(first.runId);
  });

  it('creates one run for 20 concurrent submissions with the same Idempotency-Key', async () => {
    const racer = parseTenantId(testTenant());
    await deploy(racer, 'lead-qualifier', 1);
    const replies = await Promise.all(Array.from({ length: 20 }, () => submit(racer, '{"n":1}', { idempotencyKey: 'same-key' })));
    const runIds = new Set(replies.map((r) => r.runId));
    const listed = await client.bus.request('af.v1.runs.list', { limit: 100 }, { tenantId: racer });
    console.log(`20 concurrent same-key submissions: ${runIds.size} run id(s), ${replies.filter((r) => r.replayed).length} replayed, ${listed.items.length} run(s) stored`);
    expect(runIds.size).toBe(1);
    expect(replies.filter((r) => !r.replayed)).toHaveLength(1);
    expect(listed.items.map((r) => r.runId)).toEqual([...runIds]);
  });

  it('records 120 concurrent submissions (group commit) each with its one transition, keys and refusals per submission', async () => {
    const busy = parseTenantId(testTenant());
    await deploy(busy, 'lead-qualifier', 1);
    const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error: error as { code?: string; path?: string } }));
    const replies = await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => settle(submit(busy, JSON.stringify({ n: i })))),
      // In the same batches: a key twice with the same request (one run), a key reused for another request, a NUL escape.
      ...Array.from({ length: 10 }, () => settle(submit(busy, '{"k":1}', { idempotencyKey: 'batch-key' }))),
      ...Array.from({ length: 9 }, (_, i) => settle(submit(busy, JSON.stringify({ k: 2, i }), { idempotencyKey: 'batch-key-2' }))),
      settle(submit(busy, String.raw`{"bad":"\u0000"}`)),
    ]);
    expect(replies.slice(0, 100).every((r) => r.ok && !r.value.replayed)).toBe(true);
    const keyed = replies.slice(100, 110);
    expect(new Set(keyed.map((r) => (r.ok ? r.value.runId : 'refused'))).size).toBe(1);
    expect(keyed.filter((r) => r.ok && !r.value.replayed)).toHaveLength(1);
    const reused = replies.slice(110, 119);
    expect(reused.filter((r) => r.ok)).toHaveLength(1);
    expect(reused.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(Array(8).fill(ErrorCode.IdempotencyKeyReused));
    expect(replies[119]).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidArgument, path: '/input' } });

    const created = replies.filter((r) => r.ok && !r.value.replayed).map((r) => (r.ok ? r.value.runId : ''));
    expect(created).toHaveLength(102);
    expect(new Set(created).size).toBe(102);
    for (const runId of created) {
      const transitions = await client.bus.request('af.v1.runs.transitions.list', { runId, afterSeq: 0 }, { tenantId: busy });
      expect(transitions.items.map((t) => [t.seq, t.fromStatus, t.toStatus, t.reason])).toEqual([[1, '', 'queued', 'submitted']]);
    }
  });
});

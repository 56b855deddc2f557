import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { create, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { ActiveDeploymentSchema, activeDeploymentKey, eventSubjects, kvBuckets, parseTenantId, type ExecuteRun, type TenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { KvBuckets, MessageBus, MessageContext, NatsModule, OnEvent, decode, processNamespace } from '@af/messaging';
import { ObservabilityModule } from '@af/observability';
import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { testTenant, until } from '@af/testing';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import type { DataSource } from 'typeorm';
import { RunRepository } from '../runs/run.repository.js';
import { Reconciler } from '../reconciler/reconciler.service.js';
import { StreamMessageRepository } from '../dead-letters/run-stream.repository.js';
import { MaxDeliveriesListener } from '../dead-letters/max-deliveries.listener.js';
import { connectClient, startOrchestrator } from '../test/harness.js';
import { Dispatcher } from './dispatch.service.js';

/** A stand-in worker on the real transport: runs every ExecuteRun it can decode to success. */
const executed: Array<{ runId: string; dispatch: number }> = [];

@Controller()
class FakeWorker {
  constructor(private readonly bus: MessageBus) {}

  @OnEvent('af.v1.runs.execute')
  async execute(@Payload() run: ExecuteRun, @Ctx() ctx: MessageContext) {
    executed.push({ runId: run.runId, dispatch: run.dispatch });
    const atMs = BigInt(Date.now());
    await this.bus.publish('af.v1.runs.event.started', { runId: run.runId, attempt: ctx.deliveryCount, workerId: 'fake', atMs }, { msgId: `fake-started:${run.runId}:${run.dispatch}` });
    await this.bus.publish('af.v1.runs.event.succeeded', { runId: run.runId, attempt: ctx.deliveryCount, outputJson: '{"ok":true}', atMs }, { msgId: `fake-ok:${run.runId}:${run.dispatch}` });
  }
}

@Module({})
class FakeWorkerModule {
  static forRoot(runtime: { logger: Parameters<typeof ObservabilityModule.forRoot>[0]['logger']; instanceId: string }): DynamicModule {
    return {
      module: FakeWorkerModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'worker', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'worker', url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', requestTimeoutMs: 5_000, instanceId: runtime.instanceId }),
      ],
      controllers: [FakeWorker],
    };
  }
}

const AGENT = 'lead-qualifier';
const LIMIT = 4;

describe('dispatch: per-tenant fairness, priority, admission; dead letters; the reconciler (real PostgreSQL + NATS)', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let worker: RunningService | undefined;
  let dispatcher: Dispatcher;
  let runs: RunRepository;
  /** The service's own connection, looking across tenants (row-level security: the system scope). */
  let db: Pick<DataSource, 'query'>;
  const [flooder, single, prio, full, poison] = [0, 1, 2, 3, 4].map(() => parseTenantId(testTenant()));

  beforeAll(async () => {
    orchestrator = await startOrchestrator({
      // Passes run only when a test (or a submission / finished run) asks for one.
      ORCHESTRATOR_DISPATCH_INTERVAL_MS: '3600000',
      ORCHESTRATOR_RECONCILE_INTERVAL_MS: '3600000',
      ORCHESTRATOR_TENANT_CONCURRENCY: String(LIMIT),
      ORCHESTRATOR_TENANT_CONCURRENCY_OVERRIDES: `${prio}=1`,
      ORCHESTRATOR_TENANT_MAX_QUEUED: '30',
      ORCHESTRATOR_DISPATCH_TIMEOUT_MS: '1000',
      ORCHESTRATOR_RUN_STALL_TIMEOUT_MS: '1000',
    });
    client = await connectClient();
    dispatcher = orchestrator.service.app.get(Dispatcher);
    runs = orchestrator.service.app.get(RunRepository);
    const ds = orchestrator.service.app.get<DataSource>(DATA_SOURCE);
    db = { query: (sql: string, params?: unknown[]) => withSystemScope(ds, 'test: inspect runs', (m) => m.query(sql, params)) };
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    for (const tenant of [flooder, single, prio, full, poison]) {
      await kv.put(
        activeDeploymentKey(tenant, AGENT),
        toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd1', agent: AGENT, version: 1, artifactHash: 'sha256:abc', activatedAtMs: 1n })),
      );
    }
  });

  afterAll(async () => {
    await worker?.close();
    await client?.close();
    await orchestrator?.stop();
  });

  /** Records a queued run without triggering a pass (as the submit path does before it triggers one). */
  async function record(tenant: TenantId, priority: 'high' | 'normal' | 'low' = 'normal'): Promise<string> {
    const id = randomUUID();
    await runs.create(tenant, { id, agent: AGENT, version: 1, artifactHash: 'sha256:abc', input: { n: id.slice(0, 4) }, traceId: '', correlationId: `c-${id}`, priority });
    return id;
  }

  async function holding(tenant: string): Promise<number> {
    const rows = (await db.query(`SELECT count(*)::int AS n FROM runs WHERE tenant_id = $1 AND queued_at IS NOT NULL AND status IN ('queued', 'running', 'waiting')`, [tenant])) as Array<{ n: number }>;
    return rows[0]!.n;
  }

  async function finish(tenant: TenantId, runId: string): Promise<void> {
    await client.bus.publish('af.v1.runs.event.succeeded', { runId, attempt: 1, outputJson: '{}', atMs: BigInt(Date.now()) }, { msgId: `t-ok:${runId}`, tenantId: tenant });
    await until(() => runs.find(tenant, runId), (r) => r?.status === 'succeeded');
  }

  it('a flooding tenant never has more than its limit dispatched, and cannot hold back another tenant’s run beyond one dispatch round', async () => {
    const flood: string[] = [];
    for (let i = 0; i < 200; i++) flood.push(await record(flooder));
    const lone = await record(single);

    const first = await dispatcher.round();
    const order = first.published.map((p) => p.runId);
    const position = order.indexOf(lone) + 1;
    // The bound: in the round after it is recorded, a run of a tenant with a free slot is among
    // the first N published, N = tenants waiting (2 here) — whatever the other tenant queued.
    process.stdout.write(`fairness: 200 runs of A + 1 of B → round 1 published ${order.length} (A ${first.published.filter((p) => p.tenantId === flooder).length}), B's run at position ${position}\n`);
    expect(position).toBeGreaterThanOrEqual(1);
    expect(position).toBeLessThanOrEqual(2);
    expect(first.published.filter((p) => p.tenantId === flooder)).toHaveLength(LIMIT);
    expect(await holding(flooder)).toBe(LIMIT);
    const jsm = await jetstreamManager(client.nc);
    // This test's runs on AF_RUNS (the other test files of this jest run share the namespace, and
    // their orchestrators dispatch into the same stream while this one runs).
    const mine = new Set([...flood, lone]);
    const onQueue = async () => {
      const stream = processNamespace().streamName('AF_RUNS');
      const { state } = await jsm.streams.info(stream);
      let n = 0;
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (msg && mine.has(decode(eventSubjects['af.v1.runs.execute'].event, msg.data).runId)) n++;
      }
      return n;
    };
    // JetStream holds only dispatched runs: A's limit plus B's one, never the 200.
    expect(await onQueue()).toBe(LIMIT + 1);

    // A's runs finish one by one: every finish frees exactly one slot, never more than LIMIT at once.
    let maxHeld = 0;
    for (let i = 0; i < 12; i++) {
      const open = (await db.query(`SELECT id FROM runs WHERE tenant_id = $1 AND queued_at IS NOT NULL AND status = 'queued' ORDER BY queued_at LIMIT 1`, [flooder])) as Array<{ id: string }>;
      await finish(flooder, open[0]!.id);
      await dispatcher.dispatchNow();
      maxHeld = Math.max(maxHeld, await holding(flooder));
    }
    expect(maxHeld).toBe(LIMIT);
    // 12 finished (by their events; no worker took the messages here) → 12 more dispatched, one per freed slot.
    expect(await onQueue()).toBe(LIMIT + 1 + 12);
    // The first run published carries its dispatch number and priority, under msgId run-execute:<id>:1.
    expect(first.published[0]!.dispatch).toBe(1);
  });

  it('dispatches high before normal before low within a tenant, then oldest first', async () => {
    const low = await record(prio, 'low');
    const normal1 = await record(prio, 'normal');
    const high = await record(prio, 'high');
    const normal2 = await record(prio, 'normal');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await dispatcher.dispatchNow();
      // Limit 1 (override): exactly one of the tenant's runs is dispatched and unfinished.
      const open = (await db.query(`SELECT id FROM runs WHERE tenant_id = $1 AND queued_at IS NOT NULL AND status IN ('queued', 'running')`, [prio])) as Array<{ id: string }>;
      expect(open).toHaveLength(1);
      order.push(open[0]!.id);
      await finish(prio, open[0]!.id);
    }
    expect(order).toEqual([high, normal1, normal2, low]);
  });

  it('refuses a submission over the tenant’s queued-run limit with RESOURCE_EXHAUSTED, recording nothing', async () => {
    for (let i = 0; i < 30 + LIMIT; i++) await record(full);
    await dispatcher.round(); // LIMIT dispatched, 30 waiting
    const before = (await db.query(`SELECT count(*)::int AS n FROM runs WHERE tenant_id = $1`, [full])) as Array<{ n: number }>;
    const refused = client.bus.request('af.v1.runs.submit', { agent: AGENT, inputJson: '{}' }, { tenantId: full });
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.ResourceExhausted });
    const after = (await db.query(`SELECT count(*)::int AS n FROM runs WHERE tenant_id = $1`, [full])) as Array<{ n: number }>;
    expect(after[0]!.n).toBe(before[0]!.n);
    // Another tenant is not affected; a bad priority is a 400 at /priority.
    await expect(client.bus.request('af.v1.runs.submit', { agent: AGENT, inputJson: '{}', priority: 'urgent' }, { tenantId: single })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/priority' });
    expect((await client.bus.request('af.v1.runs.submit', { agent: AGENT, inputJson: '{}', priority: 'high' }, { tenantId: single })).priority).toBe('high');
  });

  it('the reconciler re-dispatches a run whose ExecuteRun was lost (a new dispatch number), and leaves one still queued alone', async () => {
    const lost = await record(poison);
    const kept = await record(poison);
    await dispatcher.round();
    const seqOf = async (id: string) => Number(((await db.query(`SELECT dispatch_seq::text AS s FROM runs WHERE id = $1`, [id])) as Array<{ s: string }>)[0]!.s);
    const lostSeq = await seqOf(lost);
    const messages = orchestrator.service.app.get(StreamMessageRepository);
    expect(await messages.delete('AF_RUNS', lostSeq)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_200)); // past ORCHESTRATOR_DISPATCH_TIMEOUT_MS
    const repairs = await orchestrator.service.app.get(Reconciler).reconcile();
    expect(repairs.find((r) => r.runId === lost)?.action).toBe('redispatched');
    expect(repairs.find((r) => r.runId === kept)?.action).toBe('waiting_for_worker');
    const row = (await db.query(`SELECT dispatch, dispatch_seq::text AS s FROM runs WHERE id = $1`, [lost])) as Array<{ dispatch: number; s: string }>;
    expect(row[0]!.dispatch).toBe(2);
    const stored = await messages.get('AF_RUNS', Number(row[0]!.s));
    expect(stored?.header.get('Nats-Msg-Id')).toBe(`run-execute:${lost}:2`);
  });

  it('a poison ExecuteRun is dead-lettered within seconds (the run dead_lettered, the message gone), then retried successfully', async () => {
    // Drain what earlier tests dispatched so the fake worker starts on an empty queue of ours.
    const { service } = await startTestService({ service: 'worker', http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 65_536 }, logLevel: 'silent', shutdownTimeoutMs: 5_000, module: (runtime) => FakeWorkerModule.forRoot(runtime) });
    worker = service;
    const runId = await record(poison);
    // The run's first dispatch reaches AF_RUNS as undecodable bytes (same message id, so the
    // dispatcher's own publish of dispatch 1 is de-duplicated against it).
    const h = natsHeaders();
    h.set('Af-Tenant-Id', poison);
    // It may be dead-lettered before any dispatch pass claims the run (the worker is fast): the
    // retry must then still use a message id that was never stored (dispatch 2).
    await jetstream(client.nc).publish(processNamespace().subject('af.v1.runs.execute'), new Uint8Array([0xff, 0xff, 0xff, 0x01]), { msgID: `run-execute:${runId}:1`, headers: h });
    const started = Date.now();
    await dispatcher.round();

    const list = () => client.bus.request('af.v1.deadletters.list', { status: 'open', limit: 10, cursor: '' }, { tenantId: poison });
    const listed = await until(list, (r) => r.items.some((d) => d.runId === runId), 10_000);
    const letter = listed.items.find((d) => d.runId === runId)!;
    process.stdout.write(`poison: dead letter after ${Date.now() - started} ms (source ${letter.source}, code ${letter.code})\n`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(letter).toMatchObject({ source: 'undecodable', subject: 'af.v1.runs.execute', stream: 'AF_RUNS', consumer: 'worker-runs', status: 'open', deliveries: 1, agent: AGENT });
    const run = await until(() => runs.find(poison, runId), (r) => r?.status === 'dead_lettered');
    expect(run?.status).toBe('dead_lettered');
    expect(run?.error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await orchestrator.service.app.get(StreamMessageRepository).get('AF_RUNS', Number(letter.streamSeq))).toBeNull();
    expect(executed.some((e) => e.runId === runId)).toBe(false);

    // Retry with corrected input: a new dispatch of the same run, which the worker executes.
    const bad = client.bus.request('af.v1.deadletters.retry', { id: letter.id, inputJson: '[1]' }, { tenantId: poison });
    await expect(bad).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/input' });
    const retried = await client.bus.request('af.v1.deadletters.retry', { id: letter.id, inputJson: '{"fixed":true}', caller: { subject: 'alice' } }, { tenantId: poison });
    expect(retried.deadLetter).toMatchObject({ status: 'retried', retriedBy: 'alice', runId });
    const done = await until(() => runs.find(poison, runId), (r) => r?.status === 'succeeded', 10_000);
    expect(done?.status).toBe('succeeded');
    expect(done?.input).toEqual({ fixed: true });
    expect(executed.filter((e) => e.runId === runId)).toEqual([{ runId, dispatch: 2 }]);
    // A dead letter is retried once: again is a conflict.
    await expect(client.bus.request('af.v1.deadletters.retry', { id: letter.id, inputJson: '' }, { tenantId: poison })).rejects.toMatchObject({ code: ErrorCode.Conflict });
    // Another tenant sees none of it.
    expect((await client.bus.request('af.v1.deadletters.list', { status: '', limit: 10, cursor: '' }, { tenantId: single })).items).toHaveLength(0);
  }, 30_000);

  it('a max-deliveries advisory dead-letters the original message, removes it from AF_RUNS and dead-letters its run', async () => {
    const runId = await record(poison);
    await db.query(`UPDATE runs SET status = 'running', queued_at = now(), dispatch = 1 WHERE id = $1`, [runId]);
    const h = natsHeaders();
    h.set('Af-Tenant-Id', poison);
    // Stored while no consumer takes it: published on a subject of AF_RUNS, then named by an advisory as the server would.
    await worker?.close();
    worker = undefined;
    const ack = await jetstream(client.nc).publish(
      processNamespace().subject('af.v1.runs.execute'),
      toBinary((await import('@af/contracts')).ExecuteRunSchema, create((await import('@af/contracts')).ExecuteRunSchema, { runId, agent: AGENT, version: 1, artifactHash: 'sha256:abc', inputJson: '{}', dispatch: 1 })),
      { msgID: `run-execute:${runId}:1`, headers: h },
    );
    const advisory = { type: 'io.nats.jetstream.advisory.v1.max_deliver', stream: processNamespace().streamName('AF_RUNS'), consumer: 'worker-runs', stream_seq: ack.seq, deliveries: 5 };
    client.nc.publish(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${processNamespace().streamName('AF_RUNS')}.worker-runs`, JSON.stringify(advisory));
    const run = await until(() => runs.find(poison, runId), (r) => r?.status === 'dead_lettered', 10_000);
    expect(run?.status).toBe('dead_lettered');
    const letters = await client.bus.request('af.v1.deadletters.list', { status: 'open', limit: 100, cursor: '' }, { tenantId: poison });
    expect(letters.items.find((d) => d.runId === runId)).toMatchObject({ source: 'max_deliveries', deliveries: 5, consumer: 'worker-runs' });
    expect(await orchestrator.service.app.get(StreamMessageRepository).get('AF_RUNS', ack.seq)).toBeNull();
    // The same advisory again (another instance, a replay) records nothing new.
    expect(await orchestrator.service.app.get(MaxDeliveriesListener).handle('AF_RUNS', new TextEncoder().encode(JSON.stringify(advisory)))).toBe(false);
  });
});

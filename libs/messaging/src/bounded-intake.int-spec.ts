import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@af/errors';
import { MetricsRegistry, createLogger } from '@af/observability';
import { JetStreamServer } from './jetstream.server.js';
import { MessageBus } from './message-bus.js';
import { processNamespace } from './namespace.js';
import { connectNats, provisionFor } from './nats.module.js';
import { maxBodyBytes } from './payload-limit.js';
import { SlotConsumer } from './slot-consumer.js';

const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bounded intake and payloads against real NATS', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const stream = `${processNamespace().streamName('SLOTS')}_${randomUUID().slice(0, 8)}`;
  const subject = processNamespace().subject(`test.slots.${randomUUID().slice(0, 8)}`);

  beforeAll(async () => {
    nc = await connectNats({ url, service: 'health', instanceId: randomUUID() });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject] });
  });

  afterAll(async () => {
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.drain();
  });

  it('executes each message once when handlers outlast AckWait and messages queue behind busy slots', async () => {
    // AckWait 1 s; four slots; five messages whose handling takes 2.5 s each. The fifth waits
    // 2.5 s for a slot: with a prefetch (or heartbeats only while running) it is redelivered.
    const durable = 'slots';
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: nanos(1_000), max_deliver: 5, filter_subject: subject });
    const js = jetstream(nc);
    for (let i = 0; i < 5; i++) await js.publish(subject, new TextEncoder().encode(`run-${i}`));

    const executions = new Map<string, number>();
    let running = 0;
    let maxRunning = 0;
    let finished = 0;
    let allDone!: () => void;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    const sut = new SlotConsumer(await js.consumers.get(stream, durable), { concurrency: 4, heartbeatMs: 300, expiresMs: 1_000 }, async (msg: JsMsg) => {
      const id = new TextDecoder().decode(msg.data);
      executions.set(id, (executions.get(id) ?? 0) + 1);
      maxRunning = Math.max(maxRunning, ++running);
      await sleep(2_500);
      running--;
      msg.ack();
      if (++finished === 5) allDone();
    });
    sut.start();
    await done;
    await sut.stop();

    expect(maxRunning).toBe(4);
    expect(Object.fromEntries(executions)).toEqual({ 'run-0': 1, 'run-1': 1, 'run-2': 1, 'run-3': 1, 'run-4': 1 });
    // The server's own count: five deliveries in all, none redelivered, none left unacked. An ack
    // is a fire-and-forget publish: the last one may still be on its way, so the count is read
    // until it settles (a message never acked keeps it at 1 and fails).
    let info = await jsm.consumers.info(stream, durable);
    for (let i = 0; i < 50 && info.num_ack_pending > 0; i++) {
      await sleep(100);
      info = await jsm.consumers.info(stream, durable);
    }
    expect(info.delivered.consumer_seq).toBe(5);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_ack_pending).toBe(0);
  }, 20_000);

  describe('request/reply payload limit', () => {
    let server: JetStreamServer;
    let bus: MessageBus;
    let services = 1;

    beforeAll(async () => {
      await provisionFor(nc, { service: 'health' });
      server = new JetStreamServer({ service: 'health', connection: nc, logger: createLogger('health', 'silent'), metrics: new MetricsRegistry('health') });
      // A reply that grows with the test's wish: `services` entries of ~1 KiB each.
      server.addHandler('af.v1.health.status', async () => ({
        status: 'ok',
        services: Array.from({ length: services }, (_, i) => ({ service: `s${i}`, state: 'up', instances: 1, checks: { note: 'x'.repeat(1_000) } })),
      }));
      // The health service owns a durable consumer of run events: a server must handle what it consumes.
      for (const event of ['af.v1.runs.event.started', 'af.v1.runs.event.succeeded', 'af.v1.runs.event.failed', 'af.v1.runs.event.cancelled']) server.addHandler(event, async () => undefined, true);
      await new Promise<void>((resolve, reject) => void server.listen((error?: unknown) => (error ? reject(error as Error) : resolve())));
      bus = new MessageBus(nc, jetstream(nc), { service: 'gateway', url, requestTimeoutMs: 5_000, instanceId: 'test' });
    });

    afterAll(async () => {
      await server?.close();
    });

    it('answers a reply within the limit, and PAYLOAD_TOO_LARGE (not INTERNAL, not a timeout) for one over it', async () => {
      services = 3;
      expect((await bus.request('af.v1.health.status', {}, { tenantId: 'tenant-a' })).services).toHaveLength(3);

      services = Math.ceil(maxBodyBytes(nc) / 1_000) + 10;
      const started = Date.now();
      await expect(bus.request('af.v1.health.status', {}, { tenantId: 'tenant-a' })).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge, path: '' });
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('refuses to send a request over the limit with PAYLOAD_TOO_LARGE', async () => {
      const huge = 'x'.repeat(maxBodyBytes(nc) + 1);
      await expect(bus.request('af.v1.memory.episodes.list', { agent: 'a', limit: 1, query: huge }, { tenantId: 'tenant-a' })).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge });
      await expect(bus.publish('af.v1.runs.event.failed', { runId: 'r', attempt: 1, error: { code: 'X', message: huge } }, { msgId: 'too-big' })).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge });
    });
  });
});

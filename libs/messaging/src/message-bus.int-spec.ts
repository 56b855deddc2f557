import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Headers, streams, consumers, RunStartedSchema } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { RequestContext, initTracing, withSpan, currentTraceId } from '@af/observability';
import { randomUUID } from 'node:crypto';
import { connectNats, provisionFor } from './nats.module.js';
import { MessageBus } from './message-bus.js';
import { decode } from './codec.js';
import { ensureConsumer, ensureStream } from './provision.js';
import { processNamespace } from './namespace.js';

const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

describe('messaging against real NATS JetStream', () => {
  let nc: NatsConnection;
  let bus: MessageBus;

  beforeAll(async () => {
    initTracing();
    nc = await connectNats({ url, service: 'orchestrator', instanceId: randomUUID() });
    await provisionFor(nc, { service: 'orchestrator' });
    bus = new MessageBus(nc, jetstream(nc), { service: 'orchestrator', url, requestTimeoutMs: 2_000, instanceId: 'test' });
  });

  afterAll(async () => {
    await nc?.drain();
  });

  it('provisions streams and consumers idempotently, as every instance does at boot', async () => {
    const jsm = await jetstreamManager(nc);
    const ns = processNamespace();
    expect(await ensureStream(jsm, ns.stream(streams.AF_EVENTS))).toBe('unchanged');
    expect(await ensureStream(jsm, ns.stream(streams.AF_RUNS))).toBe('unchanged');
    expect(await ensureConsumer(jsm, ns.consumer(consumers['orchestrator-run-events']))).toBe('updated');
    const info = await jsm.streams.info(ns.streamName('AF_RUNS'));
    expect(info.config.retention).toBe('workqueue');
    expect(info.config.storage).toBe('file');
  });

  it('stores a JetStream publish once per message id, with tenant, correlation and trace headers', async () => {
    const runId = randomUUID();
    const msgId = `test-started:${runId}`;
    const { first, second, traceId } = await RequestContext.run({ correlationId: 'corr-' + runId, tenantId: 'tenant-a' }, () =>
      withSpan('test', {}, async () => {
        const first = await bus.publish('af.v1.runs.event.started', { runId, attempt: 1, workerId: 'w', atMs: 1n }, { msgId });
        const second = await bus.publish('af.v1.runs.event.started', { runId, attempt: 1, workerId: 'w', atMs: 1n }, { msgId });
        return { first, second, traceId: currentTraceId() };
      }),
    );
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ seq: first.seq, duplicate: true });

    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(processNamespace().streamName('AF_EVENTS'), { seq: first.seq });
    if (!stored) throw new Error('stored message not found');
    expect(decode(RunStartedSchema, stored.data).runId).toBe(runId);
    expect(stored.header.get(Headers.tenantId)).toBe('tenant-a');
    expect(stored.header.get(Headers.correlationId)).toBe('corr-' + runId);
    expect(stored.header.get(Headers.msgId)).toBe(msgId);
    expect(stored.header.get(Headers.traceparent)).toContain(traceId ?? 'missing');
  });

  it('maps a request nobody answers to UNAVAILABLE naming the owner', async () => {
    // A subject with an owner but, in this test, no process in its queue group.
    const attempt = bus.request('af.v1.memory.episodes.list', { agent: 'x', limit: 1 }, { tenantId: 'tenant-a', timeoutMs: 500 });
    await expect(attempt).rejects.toMatchObject({ code: expect.stringMatching(new RegExp(`${ErrorCode.Unavailable}|${ErrorCode.Timeout}`)) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema, activeDeploymentKey, consumers, kvBuckets, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { KvBuckets, decode, processNamespace } from '@af/messaging';
import { ExecuteRunSchema } from '@af/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { RunRepository } from './run.repository.js';
import { RunOutboxRelay } from './run-outbox.relay.js';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import type { DataSource } from 'typeorm';
import { testTenant, until } from '@af/testing';
import { answerBlueprintsGet } from '../test/blueprints-responder.js';
import { connectClient, startOrchestrator } from '../test/harness.js';

describe('orchestrator against real NATS JetStream and PostgreSQL', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    // The relay runs only when a test calls it.
    orchestrator = await startOrchestrator({ ORCHESTRATOR_OUTBOX_INTERVAL_MS: '3600000', ORCHESTRATOR_OUTBOX_GRACE_MS: '1500' });
    client = await connectClient();
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    await kv.put(
      activeDeploymentKey(tenant, 'lead-qualifier'),
      toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd1', agent: 'lead-qualifier', version: 3, artifactHash: 'sha256:abc', activatedAtMs: 1n })),
    );
  });

  afterAll(async () => {
    await client?.close();
    await orchestrator?.stop();
  });

  /** Waits until the orchestrator's durable consumer has acknowledged stream message `seq` (handled, not merely delivered). */
  async function handledByOrchestrator(seq: number): Promise<void> {
    const jsm = await jetstreamManager(client.nc);
    const consumer = consumers['orchestrator-run-events'];
    const info = await until(
      () => jsm.consumers.info(processNamespace().streamName(consumer.stream), consumer.durable),
      (i) => i.ack_floor.stream_seq >= seq,
    );
    expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(seq);
  }

  it('queues a run on the active version and records its whole lifecycle from worker events', async () => {
    const reply = await client.bus.request('af.v1.runs.submit', { agent: 'lead-qualifier', inputJson: '{"message":"hi"}' }, { tenantId: tenant });
    expect(reply).toMatchObject({ status: 'queued', agent: 'lead-qualifier', version: 3 });

    const get = () => client.bus.request('af.v1.runs.get', { runId: reply.runId }, { tenantId: tenant });
    expect((await get()).run).toMatchObject({ status: 'queued', artifactHash: 'sha256:abc', inputJson: '{"message":"hi"}', attempts: 0 });

    await client.bus.publish('af.v1.runs.event.started', { runId: reply.runId, attempt: 1, workerId: 'w', atMs: BigInt(Date.now()) }, { msgId: `t-started-${reply.runId}`, tenantId: tenant });
    await until(get, (r) => r.run?.status === 'running');
    await client.bus.publish(
      'af.v1.runs.event.succeeded',
      {
        runId: reply.runId,
        attempt: 1,
        outputJson: '{"qualified":true}',
        toolCalls: [{ tool: 'score_lead', argumentsJson: '{"message":"hi"}', resultJson: '{"score":2}', durationMs: 0.4 }],
        usage: { provider: 'offline', model: 'default', inputTokens: 12, outputTokens: 5, costUsd: 0 },
        atMs: BigInt(Date.now()),
      },
      { msgId: `t-ok-${reply.runId}`, tenantId: tenant },
    );
    const done = await until(get, (r) => r.run?.status === 'succeeded');
    expect(done.run).toMatchObject({
      status: 'succeeded',
      outputJson: '{"qualified":true}',
      attempts: 1,
      toolCalls: [{ tool: 'score_lead', argumentsJson: '{"message":"hi"}', resultJson: '{"score":2}' }],
      usage: { provider: 'offline', inputTokens: 12, outputTokens: 5 },
    });
    expect(done.run?.finishedAt).not.toBe('');

    // A late failure does not move a finished run: once the orchestrator has handled (acked) it,
    // the run is still the succeeded one.
    const late = await client.bus.publish(
      'af.v1.runs.event.failed',
      { runId: reply.runId, attempt: 2, error: { code: 'INTERNAL', message: 'x' }, atMs: BigInt(Date.now()) },
      { msgId: `t-fail-${reply.runId}`, tenantId: tenant },
    );
    expect(late.duplicate).toBe(false);
    await handledByOrchestrator(late.seq);
    expect((await get()).run).toMatchObject({ status: 'succeeded', outputJson: '{"qualified":true}', attempts: 1 });
  });

  it('stores the bounded forms of run events as received: tool-call previews keep their truncated marker', async () => {
    const reply = await client.bus.request('af.v1.runs.submit', { agent: 'lead-qualifier', inputJson: '{"message":"big"}' }, { tenantId: tenant });
    const get = () => client.bus.request('af.v1.runs.get', { runId: reply.runId }, { tenantId: tenant });
    const preview = JSON.stringify('{"blob":"' + 'b'.repeat(100));
    await client.bus.publish(
      'af.v1.runs.event.succeeded',
      { runId: reply.runId, attempt: 1, outputJson: '{"qualified":false}', truncated: true, toolCalls: [{ tool: 'score_lead', argumentsJson: '{}', resultJson: preview, durationMs: 1, truncated: true }], atMs: BigInt(Date.now()) },
      { msgId: `t-ok-${reply.runId}`, tenantId: tenant },
    );
    const done = await until(get, (r) => r.run?.status === 'succeeded');
    expect(done.run?.toolCalls).toMatchObject([{ tool: 'score_lead', resultJson: preview, truncated: true }]);

    const failed = await client.bus.request('af.v1.runs.submit', { agent: 'lead-qualifier', inputJson: '{}' }, { tenantId: tenant });
    const message = 'e'.repeat(100) + '… [truncated: 2000031 bytes]';
    await client.bus.publish('af.v1.runs.event.failed', { runId: failed.runId, attempt: 1, truncated: true, error: { code: ErrorCode.ToolFailed, message, path: '/spec/tools/0/code' }, atMs: BigInt(Date.now()) }, { msgId: `t-fail-${failed.runId}`, tenantId: tenant });
    const run = await until(() => client.bus.request('af.v1.runs.get', { runId: failed.runId }, { tenantId: tenant }), (r) => r.run?.status === 'failed');
    expect(run.run?.error).toMatchObject({ code: ErrorCode.ToolFailed, message, path: '/spec/tools/0/code' });
  });

  it('answers 404 for another tenant’s run', async () => {
    const reply = await client.bus.request('af.v1.runs.submit', { agent: 'lead-qualifier', inputJson: '{}' }, { tenantId: tenant });
    await expect(client.bus.request('af.v1.runs.get', { runId: reply.runId }, { tenantId: other })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('tells apart, on a registry miss, an unknown agent (NOT_FOUND), an archived one (ARCHIVED) and one never deployed (NOT_DEPLOYED)', async () => {
    const asking = parseTenantId(testTenant());
    const blueprints = answerBlueprintsGet(client.nc, asking, { drafted: { archivedAt: '' }, shelved: { archivedAt: '2026-11-20T10:00:00.000Z' } });
    await client.nc.flush();
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    const submit = (agent: string) => client.bus.request('af.v1.runs.submit', { agent, inputJson: '{}' }, { tenantId: asking });
    try {
      await expect(submit('nobody')).rejects.toMatchObject({ code: ErrorCode.NotFound, path: '/agent' });
      await expect(submit('drafted')).rejects.toMatchObject({ code: ErrorCode.NotDeployed, path: '/agent' });
      await expect(submit('shelved')).rejects.toMatchObject({ code: ErrorCode.Archived, path: '/agent', message: expect.stringContaining('archived') });
      // A registry hit is the hot path: queued without asking the blueprints service.
      await kv.put(
        activeDeploymentKey(asking, 'shelved'),
        toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd9', agent: 'shelved', version: 1, artifactHash: 'sha256:def', activatedAtMs: 1n })),
      );
      const asked = blueprints.asked.length;
      expect((await submit('shelved')).status).toBe('queued');
      expect(blueprints.asked).toHaveLength(asked);
      // Once the archive is applied (the deployment service removes the entry), runs are refused.
      await kv.delete(activeDeploymentKey(asking, 'shelved'));
      await expect(submit('shelved')).rejects.toMatchObject({ code: ErrorCode.Archived });
      expect(blueprints.asked).toEqual(['nobody', 'drafted', 'shelved', 'shelved']);
    } finally {
      blueprints.stop();
    }
  });

  it('refuses bad input with a code and a path, and a message without tenant', async () => {
    const submit = (inputJson: string) => client.bus.request('af.v1.runs.submit', { agent: 'lead-qualifier', inputJson }, { tenantId: tenant });
    await expect(submit('{nope')).rejects.toMatchObject({ code: ErrorCode.InvalidDocument, path: '/input' });
    await expect(submit('[1]')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/input' });
    const noTenant = client.bus.request('af.v1.runs.get', { runId: 'x' });
    await expect(noTenant).rejects.toBeInstanceOf(AppError);
    await expect(noTenant).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('queues a run that was recorded but never reached the queue (outbox relay = a dispatch pass), with its trace, and re-publishes an unconfirmed claim under the same message id', async () => {
    const runs = orchestrator.service.app.get(RunRepository);
    const runId = randomUUID();
    const traceId = 'ab'.repeat(16);
    // As if the process died between the insert and the dispatch.
    await runs.create(tenant, { id: runId, agent: 'lead-qualifier', version: 3, artifactHash: 'sha256:abc', input: { m: 1 }, traceId, correlationId: 'corr-outbox' });
    const relay = orchestrator.service.app.get(RunOutboxRelay);
    expect(await until(() => relay.relay().then(async () => (await runs.find(tenant, runId))?.queuedAt ?? null), (at) => at !== null)).toBeInstanceOf(Date);

    const jsm = await jetstreamManager(client.nc);
    const stream = processNamespace().streamName('AF_RUNS');
    // Ours by its message id (other tests' runs may be queued after it in this namespace).
    const state = (await jsm.streams.info(stream)).state;
    let stored: Awaited<ReturnType<typeof jsm.streams.getMessage>> = null;
    for (let seq = state.last_seq; seq >= Math.max(state.first_seq, 1) && !stored; seq--) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (message?.header.get('Nats-Msg-Id') === `run-execute:${runId}:1`) stored = message;
    }
    expect(stored).not.toBeNull();
    expect(decode(ExecuteRunSchema, stored!.data)).toMatchObject({ runId, agent: 'lead-qualifier', version: 3, inputJson: '{"m":1}', dispatch: 1, priority: 'normal' });
    expect(stored!.header.get('Nats-Msg-Id')).toBe(`run-execute:${runId}:1`);
    expect(stored!.header.get('Af-Tenant-Id')).toBe(tenant);
    expect(stored!.header.get('Af-Correlation-Id')).toBe('corr-outbox');
    expect(stored!.header.get('traceparent')).toContain(traceId);

    // A claim whose publish was never confirmed (the process died after publishing, before
    // recording the sequence): published again after the grace with the same message id, which
    // JetStream stores once.
    const ds = orchestrator.service.app.get<DataSource>(DATA_SOURCE);
    // The service's own connection, across tenants (row-level security: the system scope).
    const db = { query: (sql: string, params?: unknown[]) => withSystemScope(ds, 'test: inspect runs', (m) => m.query(sql, params)) };
    await db.query(`UPDATE runs SET dispatch_seq = NULL, queued_at = now() - interval '1 minute' WHERE id = $1`, [runId]);
    const before = (await jsm.streams.info(stream)).state.messages;
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    expect((await jsm.streams.info(stream)).state.messages).toBe(before);
    const row = (await db.query(`SELECT dispatch, dispatch_seq::int AS seq FROM runs WHERE id = $1`, [runId])) as Array<{ dispatch: number; seq: number }>;
    expect(row[0]).toEqual({ dispatch: 1, seq: stored!.seq });
  });
});

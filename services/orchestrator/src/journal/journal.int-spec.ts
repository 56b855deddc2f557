import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema, activeDeploymentKey, kvBuckets, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { KvBuckets } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { connectClient, startOrchestrator } from '../test/harness.js';
import { MAX_STEP_RESULT_BYTES } from './journal.service.js';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

describe('step journal (af.v1.runs.steps.begin/complete) against real NATS and PostgreSQL', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    orchestrator = await startOrchestrator({ ORCHESTRATOR_OUTBOX_INTERVAL_MS: '3600000' });
    client = await connectClient();
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    await kv.put(
      activeDeploymentKey(tenant, 'journaled'),
      toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd1', agent: 'journaled', version: 1, artifactHash: 'sha256:abc', activatedAtMs: 1n })),
    );
  });

  afterAll(async () => {
    await client?.close();
    await orchestrator?.stop();
  });

  const submit = async () => (await client.bus.request('af.v1.runs.submit', { agent: 'journaled', inputJson: '{"message":"hi"}' }, { tenantId: tenant })).runId;
  const begin = (runId: string, seq: number, request = 'args-1', attempt = 1, tenantId: string = tenant) =>
    client.bus.request('af.v1.runs.steps.begin', { runId, seq, kind: 'tool', name: 'score_lead', requestHash: hash(request), attempt, workerId: `w-${attempt}` }, { tenantId });
  const complete = (runId: string, seq: number, resultJson: string, attempt = 1, error = '') =>
    client.bus.request('af.v1.runs.steps.complete', { runId, seq, resultJson, error, durationMs: 3.5, attempt, workerId: `w-${attempt}` }, { tenantId: tenant });

  it('proceeds with a new step, stores its result, and replays it to a later delivery of the run', async () => {
    const runId = await submit();
    const first = await begin(runId, 1);
    expect(first).toMatchObject({ decision: 'proceed', step: { stepId: `${runId}/1`, seq: 1, kind: 'tool', name: 'score_lead', state: 'started', attempt: 1, workerId: 'w-1' } });

    const done = await complete(runId, 1, '{"score":3}');
    expect(done).toMatchObject({ cancelled: false, step: { state: 'completed', resultJson: '{"score":3}', error: '', durationMs: 3.5 } });

    // Delivery 2 of the run (the worker died after step 1): step 1 is replayed, step 2 proceeds.
    expect(await begin(runId, 1, 'args-1', 2)).toMatchObject({ decision: 'replay', step: { state: 'completed', resultJson: '{"score":3}', attempt: 1, workerId: 'w-1' } });
    expect(await begin(runId, 2, 'args-2', 2)).toMatchObject({ decision: 'proceed', step: { seq: 2, state: 'started', attempt: 2 } });
  });

  it('keeps the first completion of a step: a second one (a duplicate delivery) gets the stored result', async () => {
    const runId = await submit();
    await begin(runId, 1);
    await complete(runId, 1, '{"first":true}');
    const again = await complete(runId, 1, '{"second":true}', 2);
    expect(again.step).toMatchObject({ resultJson: '{"first":true}', attempt: 1 });
    // A started step that was never completed (the worker died) is refreshed for the new attempt.
    await begin(runId, 2, 'x', 1);
    expect(await begin(runId, 2, 'x', 2)).toMatchObject({ decision: 'proceed', step: { attempt: 2, workerId: 'w-2' } });
  });

  it('refuses a replay whose request differs from the recorded one (non-deterministic run) with CONFLICT', async () => {
    const runId = await submit();
    await begin(runId, 1, 'args-1');
    await complete(runId, 1, '{"ok":1}');
    await expect(begin(runId, 1, 'args-changed', 2)).rejects.toMatchObject({ code: ErrorCode.Conflict, path: '/requestHash', message: expect.stringContaining('non-deterministic replay') });
  });

  it('answers cancelled for a run that is final, and complete reports it so the worker stops', async () => {
    const runId = await submit();
    await begin(runId, 1);
    await client.bus.publish('af.v1.runs.event.failed', { runId, attempt: 1, error: { code: ErrorCode.ToolFailed, message: 'x' }, atMs: BigInt(Date.now()) }, { msgId: `t-fail-${runId}`, tenantId: tenant });
    await until(() => client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant }), (r) => r.run?.status === 'failed');
    expect(await complete(runId, 1, '{"late":true}')).toMatchObject({ cancelled: true, step: { state: 'completed' } });
    const stopped = await begin(runId, 2);
    expect(stopped.decision).toBe('cancelled');
    expect(stopped.step).toBeUndefined();
  });

  it('completes an oversized result with the error "result too large" instead of storing it', async () => {
    const runId = await submit();
    await begin(runId, 1);
    const big = JSON.stringify({ blob: 'x'.repeat(MAX_STEP_RESULT_BYTES) });
    const done = await complete(runId, 1, big);
    expect(done.step).toMatchObject({ state: 'completed', resultJson: '' });
    expect(done.step?.error).toMatch(/^result too large/);
  });

  it('refuses bad addresses with INVALID_ARGUMENT at the field, and another tenant’s or an unknown run with NOT_FOUND', async () => {
    const runId = await submit();
    await expect(begin('not-a-uuid', 1)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/runId' });
    await expect(begin(runId, 0)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/seq' });
    await expect(client.bus.request('af.v1.runs.steps.begin', { runId, seq: 1, kind: 'dance', name: 'x', requestHash: hash('a') }, { tenantId: tenant })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/kind' });
    await expect(client.bus.request('af.v1.runs.steps.begin', { runId, seq: 1, kind: 'tool', name: 'x', requestHash: 'nope' }, { tenantId: tenant })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/requestHash' });
    await expect(begin(runId, 1, 'a', 1, other)).rejects.toMatchObject({ code: ErrorCode.NotFound, path: '/runId' });
    await expect(begin(randomUUID(), 1)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(complete(runId, 7, '{}')).rejects.toMatchObject({ code: ErrorCode.PreconditionFailed, path: '/seq' });
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { jetstreamManager } from '@nats-io/jetstream';
import { ActiveDeploymentSchema, ExecuteRunSchema, activeDeploymentKey, consumers, kvBuckets, parseTenantId, type ExecuteRun, type TenantId } from '@af/contracts';
import { ErrorCode, isAppError } from '@af/errors';
import { KvBuckets, decode, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { connectClient, startOrchestrator } from '../test/harness.js';

/**
 * The orchestrator's side of approvals against real NATS JetStream and PostgreSQL: a worker is
 * played by the test (journal begin, park), governance by decided events on AF_EVENTS.
 */
describe('runs parked on escalations and resumed or failed by their decision (real NATS, PostgreSQL)', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const hash = createHash('sha256').update('approve notify').digest('hex');

  beforeAll(async () => {
    // One slot per tenant: a waiting run must not keep the next one from being dispatched.
    orchestrator = await startOrchestrator({ ORCHESTRATOR_TENANT_CONCURRENCY: '1', ORCHESTRATOR_DISPATCH_INTERVAL_MS: '100' });
    client = await connectClient();
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    await kv.put(activeDeploymentKey(tenant, 'notifier'), toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd-1', agent: 'notifier', version: 2, artifactHash: 'sha256:abc', activatedAtMs: 1n })));
  });

  afterAll(async () => {
    await client?.close();
    await orchestrator?.stop();
  });

  const submit = async () => (await client.bus.request('af.v1.runs.submit', { agent: 'notifier', inputJson: '{}', caller: { subject: 'alice', roles: ['Developer'] } }, { tenantId: tenant })).runId;
  const getRun = async (runId: string) => (await client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant })).run!;
  const begin = (runId: string, seq = 1) => client.bus.request('af.v1.runs.steps.begin', { runId, seq, kind: 'approval', name: 'notify', requestHash: hash, attempt: 1, workerId: 'w-1' }, { tenantId: tenant });
  const park = (runId: string, escalationId: string, seq = 1) => client.bus.request('af.v1.runs.park', { runId, seq, escalationId, attempt: 1, workerId: 'w-1', reason: 'autonomy:supervised:external' }, { tenantId: tenant });
  const started = (runId: string) => client.bus.publish('af.v1.runs.event.started', { runId, attempt: 1, workerId: 'w-1', atMs: BigInt(Date.now()) }, { msgId: `t-started-${runId}`, tenantId: tenant });
  const history = async (runId: string) => (await client.bus.request('af.v1.runs.transitions.list', { runId, afterSeq: 0 }, { tenantId: tenant })).items;

  /** Publishes af.v1.escalations.event.decided and waits until the orchestrator's consumer acked it. */
  async function decided(t: TenantId, runId: string, escalationId: string, status: 'approved' | 'rejected', by: string, reason: string, kind = 'tool_call', seq = 1) {
    const ack = await client.bus.publish(
      'af.v1.escalations.event.decided',
      {
        escalation: {
          id: escalationId,
          kind,
          status,
          runId,
          stepId: `${runId}/${seq}`,
          tool: 'notify',
          decisions: by === 'policy' ? [] : [{ actor: by, decision: status === 'approved' ? 'approve' : 'reject', reason, level: 1, at: new Date().toISOString() }],
          decidedBy: by,
          decisionReason: reason,
        },
      },
      { msgId: `t-decided-${escalationId}-${Math.random()}`, tenantId: t },
    );
    const jsm = await jetstreamManager(client.nc);
    const consumer = consumers['orchestrator-escalations'];
    await until(() => jsm.consumers.info(processNamespace().streamName(consumer.stream), consumer.durable), (i) => i.ack_floor.stream_seq >= ack.seq);
  }

  /** Every ExecuteRun on AF_RUNS so far (a work queue no worker reads in this test's namespace: read by sequence). */
  async function executes(): Promise<ExecuteRun[]> {
    const jsm = await jetstreamManager(client.nc);
    const stream = processNamespace().streamName('AF_RUNS');
    const { state } = await jsm.streams.info(stream);
    const out: ExecuteRun[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (msg) out.push(decode(ExecuteRunSchema, msg.data));
    }
    return out;
  }

  /** A run dispatched, started, at its approval step and parked on `escalationId`. */
  async function parkedRun(escalationId: string) {
    const runId = await submit();
    await until(executes, (all) => all.some((e) => e.runId === runId), 10_000);
    await started(runId);
    await until(() => getRun(runId), (r) => r.status === 'running');
    expect((await begin(runId)).decision).toBe('proceed');
    const reply = await park(runId, escalationId);
    expect(reply.run).toMatchObject({ runId, status: 'waiting', waitingFor: escalationId, requestedBy: 'alice' });
    return runId;
  }

  it('parks idempotently, frees the slot, refuses a worker completing the approval, and re-queues the run when approved', async () => {
    const runId = await parkedRun('esc-a');
    expect((await executes()).find((e) => e.runId === runId)).toMatchObject({ requestedBy: 'alice', dispatch: 1 });

    // A second park (a redelivery) changes nothing.
    expect((await park(runId, 'esc-a')).run?.status).toBe('waiting');
    expect((await history(runId)).map((t) => t.toStatus)).toEqual(['queued', 'running', 'waiting']);
    expect((await history(runId))[2]?.reason).toBe('waiting for escalation esc-a: autonomy:supervised:external');

    // The waiting run holds no slot (concurrency 1): the next run is dispatched.
    const next = await submit();
    await until(executes, (all) => all.some((e) => e.runId === next), 10_000);

    // No worker completes an approval step itself.
    const completion = await client.bus.request('af.v1.runs.steps.complete', { runId, seq: 1, resultJson: '{"decision":"approved"}', error: '', durationMs: 1, attempt: 1, workerId: 'w-1' }, { tenantId: tenant }).catch((e: unknown) => e);
    expect(isAppError(completion) && completion.code).toBe(ErrorCode.PreconditionFailed);

    // Free the slot again so the resumed run can be dispatched.
    await client.bus.request('af.v1.runs.cancel', { runId: next, reason: 'make room' }, { tenantId: tenant });
    await decided(tenant, runId, 'esc-a', 'approved', 'bob', 'ok');
    const resumed = await until(executes, (all) => all.some((e) => e.runId === runId && e.dispatch === 2), 10_000);
    expect(resumed.filter((e) => e.runId === runId).map((e) => e.dispatch)).toEqual([1, 2]);
    const run = await getRun(runId);
    expect(run.status).toBe('queued');
    expect(run.waitingFor).toBe('');
    const replay = await begin(runId);
    expect(replay.decision).toBe('replay');
    expect(JSON.parse(replay.step!.resultJson)).toEqual({ decision: 'approved', escalationId: 'esc-a', approvers: ['bob'], decidedBy: 'bob', reason: 'ok' });

    // A redelivered decision changes nothing.
    await decided(tenant, runId, 'esc-a', 'approved', 'bob', 'again');
    expect((await history(runId)).map((t) => t.toStatus)).toEqual(['queued', 'running', 'waiting', 'queued']);
    // The re-queued run holds the tenant's one slot again (no worker runs here): free it for the next tests.
    await client.bus.request('af.v1.runs.cancel', { runId, reason: 'done' }, { tenantId: tenant });
  }, 30_000);

  it('a decision that arrives before the park: the run is not parked and the worker replays the decision', async () => {
    const runId = await submit();
    await until(executes, (all) => all.some((e) => e.runId === runId), 10_000);
    await started(runId);
    await until(() => getRun(runId), (r) => r.status === 'running');
    expect((await begin(runId)).decision).toBe('proceed');
    await decided(tenant, runId, 'esc-b', 'approved', 'bob', 'fast');
    expect((await park(runId, 'esc-b')).run?.status).toBe('running');
    expect((await begin(runId)).decision).toBe('replay');
    expect((await history(runId)).map((t) => t.toStatus)).toEqual(['queued', 'running']);
    await client.bus.request('af.v1.runs.cancel', { runId, reason: 'done' }, { tenantId: tenant });
  }, 30_000);

  it('rejected (by policy at the deadline) fails the run with APPROVAL_REJECTED and says so', async () => {
    const runId = await parkedRun('esc-c');
    await decided(tenant, runId, 'esc-c', 'rejected', 'policy', '');
    const run = await getRun(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: ErrorCode.ApprovalRejected, message: 'escalation esc-c for the call of "notify" was rejected by policy (no decision before the last deadline)' });
    const last = (await history(runId)).at(-1);
    expect(last).toMatchObject({ fromStatus: 'waiting', toStatus: 'failed', code: ErrorCode.ApprovalRejected });
  }, 30_000);

  it('a waiting run can be cancelled; a later decision leaves it cancelled; other kinds and other runs are ignored', async () => {
    const runId = await parkedRun('esc-d');
    expect((await client.bus.request('af.v1.runs.cancel', { runId, reason: 'changed my mind' }, { tenantId: tenant })).run?.status).toBe('cancelled');
    await decided(tenant, runId, 'esc-d', 'approved', 'bob', 'late');
    expect((await getRun(runId)).status).toBe('cancelled');
    expect((await begin(runId)).decision).toBe('cancelled');

    const other = await parkedRun('esc-e');
    // A deployment escalation and a decision for another escalation id move nothing.
    await decided(tenant, other, 'esc-e', 'approved', 'bob', 'wrong kind', 'deployment');
    await decided(tenant, other, 'esc-other', 'approved', 'bob', 'wrong escalation');
    expect((await getRun(other)).status).toBe('waiting');
    // …and its approval step is still undecided (begun again, not replayed).
    expect((await begin(other)).decision).toBe('proceed');
    // Parking on a step that was never begun is refused.
    const refused = await park(other, 'esc-e', 7).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe(ErrorCode.PreconditionFailed);
    await client.bus.request('af.v1.runs.cancel', { runId: other, reason: 'done' }, { tenantId: tenant });
  }, 30_000);
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { AuditEventSchema, consumers, parseTenantId, type AuditEvent, type Escalation } from '@af/contracts';
import { ErrorCode, isAppError } from '@af/errors';
import { decode, processNamespace } from '@af/messaging';
import type { RunningService } from '@af/runtime';
import { leadQualifier, startServiceProcess, testTenant, until, type ServiceProcess, startAll } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess, startWorker } from '../test/harness.js';
import { SafeFetch } from '../tools/safe-fetch.js';

/** The outside system the builtin reaches: counts the calls per path (the "executed exactly once" proof). */
class EffectServer {
  readonly calls: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.calls.push((req.url ?? '').split('?')[0] ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server?.address() as AddressInfo).port;
  }

  count(path: string): number {
    return this.calls.filter((c) => c === path).length;
  }

  stop(): Promise<unknown> {
    return new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * The real governance service as its own process (from its build output), in the test database's
 * `governance` schema: escalations are per tenant, and this test's tenant is its own.
 */
function startGovernanceProcess(): Promise<ServiceProcess> {
  return startServiceProcess('governance', { DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' });
}

const bob = { subject: 'bob', roles: ['Developer'], permissions: [] };
const alice = { subject: 'alice', roles: ['Developer'], permissions: [] };

type Doc = ReturnType<typeof leadQualifier>;

/** An agent whose only tool is a builtin: http.request (external) to the effect server, or payment.process (realWorld). */
function agentWith(name: string, autonomyLevel: string, tool: Record<string, unknown>, extra: Record<string, unknown> = {}): Doc {
  const doc = leadQualifier({ name, allowHosts: ['effects.test'] });
  const spec = doc.spec as Record<string, unknown>;
  spec['governance'] = { autonomyLevel };
  spec['tools'] = [tool];
  Object.assign(spec, extra);
  return doc;
}

const notify = {
  name: 'notify',
  description: 'Posts the qualified lead to the sales webhook',
  scope: 'external',
  builtin: 'http.request',
  inputSchema: { type: 'object', properties: { url: { type: 'string' }, method: { type: 'string' } }, required: ['url'] },
};

describe('governance in the worker: policy decisions, runs parked on approvals and resumed (real governance, orchestrator, compilation, NATS, PostgreSQL)', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let governance: ServiceProcess | undefined;
  let worker: RunningService;
  const effects = new EffectServer();
  const tenant = parseTenantId(testTenant());
  const fetch = () => new SafeFetch({ maxResponseBytes: 65_536, maxRequestBytes: 65_536, timeoutMs: 20_000, maxRedirects: 0, unsafeAllowAddressesForTests: ['127.0.0.1'] }, async () => [{ address: '127.0.0.1', family: 4 }]);

  const compile = async (doc: Doc) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  const getRun = async (runId: string) => (await client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant })).run!;
  /** Submits as the subject `alice` (the run's requested_by), with `agent` deployed at `artifactHash`. */
  const submit = async (agent: string, artifactHash: string, input: Record<string, unknown>) => {
    return client.submit(tenant, agent, artifactHash, input, { subject: 'alice', roles: ['Developer'] });
  };
  const waiting = (runId: string) => until(() => getRun(runId), (r) => r.status === 'waiting', 30_000);
  const escalation = async (id: string): Promise<Escalation> => (await client.bus.request('af.v1.escalations.get', { id }, { tenantId: tenant })).escalation!;
  const escalationsOf = async (runId: string) => (await client.bus.request('af.v1.escalations.list', { runId, status: '', kind: '', limit: 50, cursor: '' }, { tenantId: tenant })).items;
  const decide = (id: string, decision: 'approve' | 'reject', caller: typeof bob, reason: string) =>
    client.bus.request('af.v1.escalations.decide', { id, decision, reason, caller }, { tenantId: tenant });
  /** The worker-runs consumer holds no message: nothing delivered and unacked (no slot is held). */
  const workQueueIdle = async () => {
    const jsm = await jetstreamManager(client.nc);
    const ns = processNamespace();
    const info = await jsm.consumers.info(ns.streamName(consumers['worker-runs'].stream), consumers['worker-runs'].durable);
    return info.num_ack_pending === 0 && info.num_pending === 0;
  };

  beforeAll(async () => {
    [compilation, orchestrator] = await startAll([startCompilationProcess(), startOrchestratorProcess(), effects.start()]);
    client = await connectClient();
    governance = await startGovernanceProcess();
    worker = await startWorker({ timeoutMs: 30_000, memoryLimitMb: 32, fetch: fetch() });
  }, 90_000);

  afterAll(async () => {
    await governance?.stop();
    await worker?.close().catch(() => undefined);
    await effects.stop();
    await client?.close();
    await compilation?.stop();
    await orchestrator?.stop();
  });

  it('a supervised run calling an external builtin waits without a slot; self-approval is refused; approved by another user, it resumes and the call is made exactly once', async () => {
    const agent = 'gov-approve';
    const hash = await compile(agentWith(agent, 'supervised', notify));
    const url = `http://effects.test:${effects.port}/approve`;
    const runId = await submit(agent, hash, { message: 'big lead', url, method: 'POST' });

    const parked = await waiting(runId);
    expect(parked.requestedBy).toBe('alice');
    const [opened, ...more] = await escalationsOf(runId);
    expect(more).toEqual([]);
    expect(parked.waitingFor).toBe(opened!.id);
    expect(opened).toMatchObject({
      kind: 'tool_call',
      status: 'pending',
      runId,
      stepId: `${runId}/2`,
      agent,
      version: 1,
      tool: 'notify',
      risk: 'external',
      rule: 'autonomy:supervised:external',
      reason: 'the task calls for notify (Posts the qualified lead to the sales webhook)',
      requestedBy: 'alice',
      requiredPermission: 'ApproveActions',
    });
    expect(JSON.parse(opened!.argumentsJson)).toEqual({ url, method: 'POST' });
    // Nothing called yet, and no worker holds the run: its message was acked.
    expect(effects.count('/approve')).toBe(0);
    await until(workQueueIdle, (idle) => idle, 10_000);

    // The submitter cannot approve her own run's call.
    const self = await decide(opened!.id, 'approve', alice, 'mine').catch((e: unknown) => e);
    expect(isAppError(self) && self.code).toBe(ErrorCode.PermissionDenied);
    expect((await getRun(runId)).status).toBe('waiting');

    await decide(opened!.id, 'approve', bob, 'looks fine');
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome.kind).toBe('succeeded');
    expect(effects.count('/approve')).toBe(1);
    expect(outcome.kind === 'succeeded' && outcome.event.toolCalls.map((c) => [c.tool, c.error])).toEqual([['notify', '']]);
    // The resumed delivery replayed the approval step: no second escalation.
    expect(await escalationsOf(runId)).toHaveLength(1);
    const done = await until(() => getRun(runId), (r) => r.status === 'succeeded');
    expect(done.waitingFor).toBe('');
    const history = await client.bus.request('af.v1.runs.transitions.list', { runId, afterSeq: 0 }, { tenantId: tenant });
    // Events are not ordered: the resumed delivery's `started` may be applied after its result (then refused).
    const statuses = history.items.map((t) => t.toStatus);
    const resumedAt = statuses.indexOf('waiting') + 1;
    expect(statuses.slice(0, resumedAt + 1)).toEqual(['queued', 'running', 'waiting', 'queued']);
    expect(statuses.at(-1)).toBe('succeeded');
    expect(history.items[resumedAt]?.reason).toContain(`${opened!.id} approved`);
  }, 60_000);

  it('a rejected call fails the run with APPROVAL_REJECTED, the decider and the reason; the call is never made', async () => {
    const agent = 'gov-reject';
    const hash = await compile(agentWith(agent, 'supervised', notify));
    const runId = await submit(agent, hash, { message: 'shady lead', url: `http://effects.test:${effects.port}/reject` });
    const parked = await waiting(runId);
    await decide(parked.waitingFor, 'reject', bob, 'not this customer');

    const failed = await until(() => getRun(runId), (r) => r.status === 'failed', 20_000);
    expect(failed.error?.code).toBe(ErrorCode.ApprovalRejected);
    expect(failed.error?.message).toContain('rejected by bob: not this customer');
    expect(failed.waitingFor).toBe('');
    expect(effects.count('/reject')).toBe(0);
    expect((await escalation(parked.waitingFor)).status).toBe('rejected');
  }, 60_000);

  it('a restricted agent\'s realWorld call is denied, audited on AF_AUDIT, and the run carries on', async () => {
    const agent = 'gov-deny';
    const charge = { name: 'charge', description: 'Charges the card', scope: 'realWorld', builtin: 'payment.process', inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } };
    const hash = await compile(agentWith(agent, 'restricted', charge, { actions: { maxAllowedScope: 'realWorld' } }));
    const runId = await submit(agent, hash, { message: 'pay', amount: 12 });

    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome.kind).toBe('succeeded');
    const [call] = outcome.kind === 'succeeded' ? outcome.event.toolCalls : [];
    expect(call?.tool).toBe('charge');
    expect(call?.error).toMatch(/^POLICY_DENIED: restricted agent may not call "charge" \(realWorld scope; rule autonomy:restricted:realWorld\)/);
    expect(await escalationsOf(runId)).toEqual([]);

    const audit = await auditEvent(`policy.denied:${runId}/2`);
    expect(audit).toMatchObject({ action: 'policy.denied', actor: 'system:worker', resourceType: 'run', resourceId: runId, outcome: 'denied', service: 'worker' });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({ tool: 'charge', rule: 'autonomy:restricted:realWorld', risk: 'realWorld', stepId: `${runId}/2`, agent, requestedBy: 'alice' });
  }, 60_000);

  it('an autonomous agent\'s external call is made at once and recorded as policy.allowed before it is made', async () => {
    const agent = 'gov-autonomous';
    const hash = await compile(agentWith(agent, 'autonomous', notify));
    const runId = await submit(agent, hash, { message: 'go', url: `http://effects.test:${effects.port}/auto` });
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome.kind).toBe('succeeded');
    expect(effects.count('/auto')).toBe(1);
    expect(await escalationsOf(runId)).toEqual([]);
    const audit = await auditEvent(`policy.allowed:${runId}/2`);
    expect(audit).toMatchObject({ action: 'policy.allowed', outcome: 'success', resourceId: runId });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({ tool: 'notify', rule: 'autonomy:autonomous:external', risk: 'external' });
  }, 60_000);

  it('output.minConfidence: a supervised agent\'s low-confidence answer waits for approval; a semi-autonomous one fails LOW_CONFIDENCE', async () => {
    const internal = { name: 'score_lead', description: 'Score a lead', scope: 'internal', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }, code: 'export default function ({ message }: { message: string }) { return { score: message.length }; }\n' };
    const output = { schema: { type: 'object', properties: { qualified: { type: 'boolean' } }, required: ['qualified'] }, minConfidence: 0.5 };
    const unsure = { prompt: { system: 'Qualify.', user: 'Lead: {{input.message}}', variables: { offlineConfidence: 0.2 } }, output };

    const supervised = await compile(agentWith('gov-unsure', 'supervised', internal, unsure));
    const held = await submit('gov-unsure', supervised, { message: 'maybe' });
    const parked = await waiting(held);
    const opened = await escalation(parked.waitingFor);
    expect(opened).toMatchObject({ kind: 'low_confidence', rule: 'output.minConfidence', tool: '', risk: 'internal', requiredPermission: 'ApproveActions', requestedBy: 'alice' });
    expect(JSON.parse(opened.detailsJson)).toEqual({ confidence: 0.2, minConfidence: 0.5 });
    await decide(opened.id, 'approve', bob, 'fine by me');
    const approved = await client.outcomeOf(held, 30_000);
    expect(approved.kind).toBe('succeeded');
    expect(approved.kind === 'succeeded' && JSON.parse(approved.event.outputJson)).toEqual(JSON.parse(opened.argumentsJson));

    const semi = await compile(agentWith('gov-unsure-semi', 'semi_autonomous', internal, unsure));
    const failing = await submit('gov-unsure-semi', semi, { message: 'maybe' });
    const failed = await client.outcomeOf(failing, 30_000);
    expect(failed.kind === 'failed' && failed.event.error).toMatchObject({ code: ErrorCode.LowConfidence, path: '/spec/output/minConfidence' });
    expect(failed.kind === 'failed' && failed.event.error?.message).toContain('0.2 is below the blueprint\'s output.minConfidence 0.5');
    expect(await escalationsOf(failing)).toEqual([]);
  }, 60_000);

  it('governance unreachable: the run neither fails nor calls the tool; it waits once governance answers again', async () => {
    const agent = 'gov-away';
    const hash = await compile(agentWith(agent, 'supervised', notify));
    await governance?.stop();
    governance = undefined;
    const runId = await submit(agent, hash, { message: 'later', url: `http://effects.test:${effects.port}/away` });
    await until(() => getRun(runId), (r) => r.status === 'running', 20_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await getRun(runId)).status).toBe('running');
    expect(effects.count('/away')).toBe(0);
    governance = await startGovernanceProcess();
    const parked = await waiting(runId);
    expect((await escalation(parked.waitingFor)).stepId).toBe(`${runId}/2`);
    expect(effects.count('/away')).toBe(0);
  }, 60_000);

  /** The audit event with this id, read from AF_AUDIT (ordered consumer from the start). */
  async function auditEvent(eventId: string): Promise<AuditEvent> {
    const js = jetstream(client.nc);
    const ns = processNamespace();
    const found = await until(
      async () => {
        const consumer = await js.consumers.get(ns.streamName('AF_AUDIT'), { filter_subjects: ns.subject('af.v1.audit.record'), deliver_policy: DeliverPolicy.All });
        const events: AuditEvent[] = [];
        const batch = await consumer.fetch({ max_messages: 500, expires: 1_000 });
        for await (const msg of batch) events.push(decode(AuditEventSchema, msg.data));
        return events.find((e) => e.eventId === eventId);
      },
      (event) => event !== undefined,
      10_000,
    );
    return found!;
  }
});

import { beforeAll, describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { api, createAndDeploy, mintToken, newTenant, until, waitForRun, waitForRunStatus, type ApiResponse } from './client.js';

/**
 * Issue 9's governance "Done when" through the gateway against the running mesh: a supervised
 * agent's external call waits for a human, self-approval is refused, another user's approval
 * resumes it with the call made once; a rejection fails it with the reason; a passed deadline
 * escalates and is rejected by policy; a quorum of 2 needs two distinct approvers; a restricted
 * agent's realWorld call is denied and audited.
 *
 * The external tool is the `crm.update` builtin: the platform has no CRM account, so the connector
 * is a deterministic local effect that returns what it did, keyed by the journal step (README
 * "Governance"); `http.request` cannot reach a local test server from the mesh's worker (private
 * addresses are refused by design). The deadline case relies on the mesh's short default level
 * deadline (scripts/mesh.sh: GOVERNANCE_DEFAULT_DEADLINE_SEC, 10 s) — a blueprint cannot ask for
 * less than 60 s.
 */

const updateCrm = {
  name: 'update_crm',
  description: 'Records the qualified lead in the CRM',
  scope: 'external',
  builtin: 'crm.update',
  inputSchema: { type: 'object', properties: { recordId: { type: 'string' }, stage: { type: 'string' } }, required: ['recordId'] },
};

/** A level any Developer or Administrator decides, with an hour to do it (no deadline gets in the way). */
const patientApproval = { levels: [{ roles: ['Developer', 'Administrator'], deadlineSeconds: 3600 }] };

type Blueprint = ReturnType<typeof leadQualifier>;

function agent(name: string, autonomyLevel: string, tool: Record<string, unknown>, approval?: Record<string, unknown>, extra: Record<string, unknown> = {}): Blueprint {
  const doc = leadQualifier({ name });
  const spec = doc.spec as Record<string, unknown>;
  spec['governance'] = { autonomyLevel, ...(approval ? { approval } : {}) };
  spec['tools'] = [tool];
  Object.assign(spec, extra);
  return doc;
}

type Escalation = Record<string, unknown> & { id: string; status: string; level: number; deadline: string };

describe('governance of runs through the gateway against the running mesh', () => {
  const tenant = newTenant();
  let admin: string;
  /** Alice submits the runs (she is their requester). */
  let alice: string;
  let bob: string;
  let carol: string;

  const submit = async (agentName: string, input: Record<string, unknown>): Promise<string> => {
    const res = await api('POST', `/v1/agents/${agentName}/runs`, { token: alice, body: { input } });
    expect(res.status).toBe(202);
    return String(res.body['runId']);
  };
  const waiting = async (runId: string): Promise<ApiResponse> => {
    const run = await waitForRunStatus(alice, runId, ['waiting', 'succeeded', 'failed'], 30_000);
    expect(run.body).toMatchObject({ status: 'waiting', requestedBy: 'alice@acme.test', waitingFor: expect.any(String) });
    return run;
  };
  const escalation = async (id: string): Promise<Escalation> => {
    const res = await api('GET', `/v1/escalations/${id}`, { token: bob });
    expect(res.status).toBe(200);
    return res.body as Escalation;
  };
  const escalationsOf = async (runId: string): Promise<Escalation[]> => {
    const res = await api('GET', `/v1/escalations?runId=${runId}`, { token: bob });
    expect(res.status).toBe(200);
    return res.body['items'] as Escalation[];
  };
  const crmCalls = (run: ApiResponse) => (run.body['toolCalls'] as Array<{ tool: string; result: unknown; error?: string }>).filter((c) => c.tool === 'update_crm');

  beforeAll(async () => {
    [admin, alice, bob, carol] = await Promise.all([
      mintToken({ tenant, roles: ['Administrator'], sub: 'ada@acme.test' }),
      mintToken({ tenant, roles: ['Developer'], sub: 'alice@acme.test' }),
      mintToken({ tenant, roles: ['Developer'], sub: 'bob@acme.test' }),
      mintToken({ tenant, roles: ['Administrator'], sub: 'carol@acme.test' }),
    ]);
    await createAndDeploy(admin, agent('gov-crm', 'supervised', updateCrm, patientApproval));
  });

  it('a supervised external call waits and is listed with its content; self-approval → 403; another user approves → the run resumes and succeeds with the call made exactly once', async () => {
    const runId = await submit('gov-crm', { message: 'big lead', recordId: 'L-1', stage: 'won' });
    const parked = await waiting(runId);
    const escalationId = String(parked.body['waitingFor']);
    expect(parked.body['toolCalls']).toEqual([]);

    const pending = await api('GET', '/v1/escalations?status=pending', { token: bob });
    expect(pending.status).toBe(200);
    const listed = (pending.body['items'] as Escalation[]).find((e) => e.id === escalationId);
    expect(listed).toMatchObject({
      kind: 'tool_call',
      status: 'pending',
      runId,
      agent: 'gov-crm',
      tool: 'update_crm',
      arguments: { recordId: 'L-1', stage: 'won' },
      risk: 'external',
      rule: 'autonomy:supervised:external',
      requestedBy: 'alice@acme.test',
      requiredPermission: 'ApproveActions',
      quorum: 1,
      level: 1,
      deadline: expect.any(String),
    });
    // The level's deadline is the blueprint's hour.
    const leftMs = Date.parse(listed!.deadline) - Date.now();
    expect(leftMs).toBeGreaterThan(3_000_000);
    expect(leftMs).toBeLessThanOrEqual(3_600_000);

    const self = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: alice, body: { reason: 'mine' } });
    expect(self.status).toBe(403);
    expect(self.body.error).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(self.body.error!.message).toContain('self-approval');
    expect((await api('GET', `/v1/runs/${runId}`, { token: alice })).body['status']).toBe('waiting');

    const approved = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: bob, body: { reason: 'good customer' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'bob@acme.test', approvals: 1, decisions: [expect.objectContaining({ actor: 'bob@acme.test', decision: 'approve', reason: 'good customer' })] });
    // Deciding again is a conflict.
    expect((await api('POST', `/v1/escalations/${escalationId}/approve`, { token: carol, body: {} })).status).toBe(409);

    const done = await waitForRun(alice, runId);
    expect(done.body).toMatchObject({ status: 'succeeded', error: null, waitingFor: null });
    const calls = crmCalls(done);
    expect(calls).toHaveLength(1);
    // The connector's effect is keyed by the call's journal step: one step, one effect.
    expect(calls[0]!.result).toMatchObject({ simulated: true, updated: true, recordId: 'L-1', effect: { kind: 'crm.update', idempotencyKey: expect.stringMatching(new RegExp(`^${runId}/\\d+$`)) } });
    // The resumed delivery replayed the approval: still one escalation.
    expect(await escalationsOf(runId)).toHaveLength(1);
    const events = await api('GET', `/v1/runs/${runId}/events`, { token: alice });
    const statuses = (events.body['items'] as Array<{ to: string }>).map((t) => t.to);
    expect(statuses.slice(0, 4)).toEqual(['queued', 'running', 'waiting', 'queued']);
    expect(statuses.at(-1)).toBe('succeeded');
  }, 60_000);

  it('a rejection (with a reason) fails the run with APPROVAL_REJECTED, the decider and the reason; the call is never made', async () => {
    const runId = await submit('gov-crm', { message: 'shady lead', recordId: 'L-2' });
    const escalationId = String((await waiting(runId)).body['waitingFor']);

    const reasonless = await api('POST', `/v1/escalations/${escalationId}/reject`, { token: bob, body: {} });
    expect(reasonless.status).toBe(400);
    expect(reasonless.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/reason' });

    const rejected = await api('POST', `/v1/escalations/${escalationId}/reject`, { token: bob, body: { reason: 'not this customer' } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: 'bob@acme.test', decisionReason: 'not this customer' });

    const failed = await waitForRun(alice, runId);
    expect(failed.body).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_REJECTED' }, waitingFor: null });
    expect((failed.body['error'] as { message: string }).message).toContain('rejected by bob@acme.test: not this customer');
    expect(crmCalls(failed)).toEqual([]);
  }, 60_000);

  it('an escalation nobody decides passes its deadline, moves to level 2 (Administrators), and is rejected by policy; the run fails with the policy reason', async () => {
    // No approval policy: governance's default levels (any approver, then Administrators), each with the mesh's default deadline.
    await createAndDeploy(admin, agent('gov-deadline', 'supervised', updateCrm));
    const runId = await submit('gov-deadline', { message: 'nobody looks', recordId: 'L-3' });
    const escalationId = String((await waiting(runId)).body['waitingFor']);

    const first = await escalation(escalationId);
    expect(first).toMatchObject({ status: 'pending', level: 1, levels: 2 });
    const firstDeadline = Date.parse(first.deadline);
    // This test needs the mesh's short default deadline (scripts/mesh.sh); a 24 h one would never pass here.
    if (firstDeadline - Date.now() > 20_000) throw new Error('the running mesh has a long default approval deadline: stop it (npm run mesh:down) and let the e2e setup start it (AF_GOVERNANCE_DEFAULT_DEADLINE_SEC=10)');

    const escalated = await until(() => escalation(escalationId), (e) => e.level === 2 || e.status !== 'pending', firstDeadline - Date.now() + 10_000, 250);
    expect(escalated).toMatchObject({ status: 'pending', level: 2, levelRoles: ['Administrator'] });
    expect(Date.parse(escalated.deadline)).toBeGreaterThan(firstDeadline);
    // At level 2 only an Administrator may decide: a Developer is refused.
    const developer = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: bob, body: {} });
    expect(developer.status).toBe(403);
    expect(developer.body.error).toMatchObject({ code: 'PERMISSION_DENIED' });

    const rejected = await until(() => escalation(escalationId), (e) => e.status !== 'pending', Date.parse(escalated.deadline) - Date.now() + 10_000, 250);
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'policy' });
    expect(String(rejected['decisionReason'])).toContain('no decision before the deadline of level 2');

    const failed = await waitForRun(alice, runId);
    expect(failed.body).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_REJECTED' } });
    expect((failed.body['error'] as { message: string }).message).toMatch(/rejected by policy.*no decision before the deadline of level 2/);
    expect(crmCalls(failed)).toEqual([]);
  }, 60_000);

  it('a quorum of 2 needs two distinct approvers: the same approver twice → 409, the run waits; a second approver → it resumes and succeeds', async () => {
    await createAndDeploy(admin, agent('gov-quorum', 'supervised', updateCrm, { quorum: 2, ...patientApproval }));
    const runId = await submit('gov-quorum', { message: 'large deal', recordId: 'L-4', stage: 'won' });
    const escalationId = String((await waiting(runId)).body['waitingFor']);
    expect(await escalation(escalationId)).toMatchObject({ quorum: 2, approvals: 0 });

    const one = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: bob, body: { reason: 'ok' } });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'pending', approvals: 1 });
    const again = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: bob, body: { reason: 'really ok' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT' });
    expect(await escalation(escalationId)).toMatchObject({ status: 'pending', approvals: 1 });
    expect((await api('GET', `/v1/runs/${runId}`, { token: alice })).body['status']).toBe('waiting');

    const two = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: carol, body: { reason: 'agreed' } });
    expect(two.status).toBe(200);
    expect(two.body).toMatchObject({ status: 'approved', approvals: 2 });

    const done = await waitForRun(alice, runId);
    expect(done.body).toMatchObject({ status: 'succeeded' });
    expect(crmCalls(done)).toHaveLength(1);
  }, 60_000);

  it('a restricted agent\'s realWorld call is denied: the run carries on and /v1/audit shows policy.denied', async () => {
    // Validation refuses a restricted agent whose tool *declares* realWorld (RESTRICTED_REAL_WORLD_TOOL),
    // so the call that reaches the worker is one whose declaration understates it (a warning,
    // BUILTIN_SCOPE_UNDERSTATED): payment.process acts at realWorld whatever the tool says, and the
    // policy decision point judges the builtin's catalogue scope.
    const charge = {
      name: 'charge',
      description: 'Charges the card',
      scope: 'external',
      builtin: 'payment.process',
      inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
    };
    await createAndDeploy(admin, agent('gov-restricted', 'restricted', charge, undefined, { actions: { maxAllowedScope: 'realWorld' } }));
    const runId = await submit('gov-restricted', { message: 'pay', amount: 12 });

    const done = await waitForRun(alice, runId);
    expect(done.body).toMatchObject({ status: 'succeeded' });
    const calls = done.body['toolCalls'] as Array<{ tool: string; error?: string }>;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ tool: 'charge', error: expect.stringMatching(/^POLICY_DENIED: restricted agent may not call "charge"/) });
    expect(await escalationsOf(runId)).toEqual([]);

    const audit = await until(
      () => api('GET', `/v1/audit?action=policy.denied&resourceId=${runId}`, { token: admin }),
      (res) => res.status !== 200 || (res.body['items'] as unknown[]).length > 0,
      15_000,
    );
    expect(audit.status).toBe(200);
    expect(audit.body['items']).toEqual([
      expect.objectContaining({
        action: 'policy.denied',
        actor: 'system:worker',
        resourceType: 'run',
        resourceId: runId,
        outcome: 'denied',
        details: expect.objectContaining({ tool: 'charge', rule: 'autonomy:restricted:realWorld', risk: 'realWorld', requestedBy: 'alice@acme.test' }),
      }),
    ]);
  }, 60_000);
});

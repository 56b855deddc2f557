import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { connectTestClient } from '@af/runtime/testing';
import { startServiceProcess, testTenant, type ServiceProcess } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

/** /v1/escalations through the real gateway and the real governance service (its own process). */
describe('gateway /v1/escalations against the real governance service', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let governance: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectTestClient>>;
  const tenant = testTenant();
  const other = testTenant();
  const token = (sub: string, roles: string[], t = tenant) =>
    new SignJWT({ tenant: t, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));
  const bearers: Record<string, string> = {};

  beforeAll(async () => {
    [governance, gw] = await Promise.all([startServiceProcess('governance'), startGateway()]);
    client = await connectTestClient();
    bearers['viewer'] = await token('vera', ['Viewer']);
    bearers['runner'] = await token('runner', ['Developer']);
    bearers['dev'] = await token('dora', ['Developer']);
    bearers['admin'] = await token('ada', ['Administrator']);
    bearers['otherAdmin'] = await token('ada', ['Administrator'], other);
  }, 90_000);

  afterAll(async () => {
    await client?.close();
    await gw?.service.close();
    await governance?.stop();
  });

  const call = async (who: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(gw.url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${bearers[who]}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & ErrorBody };
  };
  const open = async (runId: string, extra: Record<string, unknown> = {}) =>
    (
      await client.bus.request(
        'af.v1.escalations.open',
        {
          idempotencyKey: `${runId}/1`,
          kind: 'tool_call',
          runId,
          stepId: `${runId}/1`,
          agent: 'lead-qualifier',
          version: 1,
          tool: 'crm.update',
          argumentsJson: '{"lead":"L-7"}',
          risk: 'external',
          rule: 'autonomy:supervised:external',
          reason: 'closing the deal',
          requestedBy: 'runner',
          ...extra,
        },
        { tenantId: tenant },
      )
    ).escalation!;

  it('lists pending escalations in the documented shape (ViewEscalations), newest first', async () => {
    const runId = randomUUID();
    const e = await open(runId);
    const res = await call('viewer', `/v1/escalations?status=pending&runId=${runId}&limit=10`);
    expect(res.status).toBe(200);
    expect(res.body['items']).toEqual([
      expect.objectContaining({
        id: e.id,
        kind: 'tool_call',
        runId,
        agent: 'lead-qualifier',
        tool: 'crm.update',
        arguments: { lead: 'L-7' },
        risk: 'external',
        rule: 'autonomy:supervised:external',
        reason: 'closing the deal',
        status: 'pending',
        requestedBy: 'runner',
        requiredPermission: 'ApproveActions',
        quorum: 1,
        approvals: 0,
        level: 1,
        levels: 2,
        levelRoles: [],
        deadline: e.deadline,
        decisions: [],
        decidedBy: null,
        decisionReason: null,
      }),
    ]);
    expect(res.body['nextCursor']).toBeNull();
    const one = await call('viewer', `/v1/escalations/${e.id}`);
    expect(one.body).toMatchObject({ id: e.id, status: 'pending' });
  });

  it('refuses bad queries at /query/…, and another tenant’s escalation is 404', async () => {
    const e = await open(randomUUID());
    expect((await call('viewer', '/v1/escalations?limit=201')).body.error.path).toBe('/query/limit');
    expect((await call('viewer', '/v1/escalations?status=maybe')).body.error.path).toBe('/query/status');
    expect((await call('viewer', '/v1/escalations?kind=x')).body.error.path).toBe('/query/kind');
    const foreign = await call('otherAdmin', `/v1/escalations/${e.id}`);
    expect(foreign.status).toBe(404);
    expect((await call('otherAdmin', `/v1/escalations/${e.id}/approve`, { method: 'POST', body: {} })).status).toBe(404);
  });

  it('approve/reject: route permission, self-approval, reason, unknown fields; the decision closes it', async () => {
    const e = await open(randomUUID());
    const viewer = await call('viewer', `/v1/escalations/${e.id}/approve`, { method: 'POST', body: {} });
    expect(viewer.status).toBe(403);
    const self = await call('runner', `/v1/escalations/${e.id}/approve`, { method: 'POST', body: {} });
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('self-approval');
    const noReason = await call('dev', `/v1/escalations/${e.id}/reject`, { method: 'POST', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.path).toBe('/reason');
    const extra = await call('dev', `/v1/escalations/${e.id}/approve`, { method: 'POST', body: { reason: 'ok', status: 'approved' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.path).toBe('/status');

    const approved = await call('dev', `/v1/escalations/${e.id}/approve`, { method: 'POST', body: { reason: 'looks right' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvals: 1, decidedBy: 'dora', decisions: [expect.objectContaining({ actor: 'dora', decision: 'approve', reason: 'looks right', level: 1 })] });
    const late = await call('admin', `/v1/escalations/${e.id}/reject`, { method: 'POST', body: { reason: 'too late' } });
    expect(late.status).toBe(409);
  });

  it('a realWorld escalation needs ApproveRealWorld: a Developer is refused, an Administrator decides', async () => {
    const e = await open(randomUUID(), { risk: 'realWorld', tool: 'payment.process' });
    const dev = await call('dev', `/v1/escalations/${e.id}/approve`, { method: 'POST' });
    expect(dev.status).toBe(403);
    expect(dev.body.error.message).toContain('ApproveRealWorld');
    const rejected = await call('admin', `/v1/escalations/${e.id}/reject`, { method: 'POST', body: { reason: 'over the limit' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'over the limit', decidedBy: 'ada' });
  });
});

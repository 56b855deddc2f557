import { describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { api, mintToken, newTenant } from './client.js';

/** EMMA's rule through the gateway: a ProductManager's deploy of a realWorld agent waits for an Administrator. */
describe('deployment approval of a realWorld agent against the running mesh', () => {
  it('PM deploy → 403 APPROVAL_REQUIRED with the finding; the escalation is listed; an Administrator approves → deployed as the PM', async () => {
    const tenant = newTenant();
    const admin = await mintToken({ tenant, roles: ['Administrator'], sub: 'ada@acme.test' });
    const pm = await mintToken({ tenant, roles: ['ProductManager'], sub: 'pat@acme.test' });
    const base = leadQualifier({ name: 'payout-agent' });
    const blueprint = {
      ...base,
      spec: {
        ...base.spec,
        actions: { maxAllowedScope: 'realWorld', requireApproval: ['pay_out'] },
        tools: [
          ...base.spec.tools,
          {
            name: 'pay_out',
            description: 'Pays a commission',
            scope: 'realWorld',
            inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
            code: 'export default async function (input: { amount: number }) { return { paid: input.amount }; }',
          },
        ],
      },
    };
    const saved = await api('POST', '/v1/blueprints', { token: admin, body: blueprint });
    expect(saved.status).toBe(201);

    const refused = await api('POST', '/v1/agents/payout-agent/deployments', { token: pm, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'APPROVAL_REQUIRED', details: { finding: { tier: 'policy', code: 'REALWORLD_DEPLOY_NEEDS_ADMIN' } } });
    const escalationId = (refused.body.error!.details as { escalationId: string }).escalationId;
    expect((await api('GET', '/v1/agents/payout-agent/deployments/active', { token: pm })).status).toBe(409);

    const pending = await api('GET', '/v1/escalations?status=pending&kind=deployment', { token: pm });
    expect(pending.status).toBe(200);
    expect(pending.body['items']).toEqual([expect.objectContaining({ id: escalationId, agent: 'payout-agent', requestedBy: 'pat@acme.test', requiredPermission: 'ApproveRealWorld', status: 'pending' })]);
    // Another tenant does not see it.
    const stranger = await mintToken({ tenant: newTenant(), roles: ['Administrator'] });
    expect((await api('GET', `/v1/escalations/${escalationId}`, { token: stranger })).status).toBe(404);
    // The requester cannot approve it (ApproveActions passes the route; ApproveRealWorld is missing).
    expect((await api('POST', `/v1/escalations/${escalationId}/approve`, { token: pm, body: {} })).status).toBe(403);

    const approved = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: admin, body: { reason: 'payout limits checked' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'ada@acme.test' });

    const deadline = Date.now() + 15_000;
    let active = await api('GET', '/v1/agents/payout-agent/deployments/active', { token: pm });
    while (active.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      active = await api('GET', '/v1/agents/payout-agent/deployments/active', { token: pm });
    }
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ status: 'active', createdBy: 'pat@acme.test' });
  }, 60_000);
});

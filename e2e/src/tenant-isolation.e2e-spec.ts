import { beforeAll, describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { api, createAndDeploy, mintToken, newTenant, until, waitForRunStatus } from './client.js';

/**
 * Tenant isolation and roles through the gateway against the running mesh: another tenant's
 * blueprint, run, escalation and audit records are 404 / invisible (also to its Administrator),
 * a Viewer reads and cannot write, a token without roles can do nothing.
 */
describe('tenant isolation and roles against the running mesh', () => {
  const tenantA = newTenant();
  const tenantB = newTenant();
  let adminA: string;
  let devA: string;
  let viewerA: string;
  let adminB: string;
  let runId: string;
  let escalationId: string;

  /** A supervised agent whose external builtin call waits for approval (an escalation of tenant A). */
  const blueprint = () => {
    const doc = leadQualifier({ name: 'iso-agent' });
    const spec = doc.spec as Record<string, unknown>;
    spec['governance'] = { autonomyLevel: 'supervised', approval: { levels: [{ roles: ['Developer', 'Administrator'], deadlineSeconds: 3600 }] } };
    spec['tools'] = [
      { name: 'send_offer', description: 'Emails the offer', scope: 'external', builtin: 'email.send', inputSchema: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' } }, required: ['to'] } },
    ];
    return doc;
  };

  beforeAll(async () => {
    [adminA, devA, viewerA, adminB] = await Promise.all([
      mintToken({ tenant: tenantA, roles: ['Administrator'], sub: 'ada@a.test' }),
      mintToken({ tenant: tenantA, roles: ['Developer'], sub: 'dev@a.test' }),
      mintToken({ tenant: tenantA, roles: ['Viewer'], sub: 'vic@a.test' }),
      mintToken({ tenant: tenantB, roles: ['Administrator'], sub: 'bea@b.test' }),
    ]);
    await createAndDeploy(adminA, blueprint());
    const submitted = await api('POST', '/v1/agents/iso-agent/runs', { token: devA, body: { input: { message: 'hello', to: 'lead@example.com', subject: 'Offer' } } });
    expect(submitted.status).toBe(202);
    runId = String(submitted.body['runId']);
    const parked = await waitForRunStatus(devA, runId, ['waiting', 'succeeded', 'failed']);
    expect(parked.body['status']).toBe('waiting');
    escalationId = String(parked.body['waitingFor']);
  }, 60_000);

  it('tenant B gets 404 for tenant A\'s blueprint, run, escalation (read, approve, reject) and sees none of them in its lists', async () => {
    // Tenant A sees its own (the 404s below are not an absence).
    expect((await api('GET', '/v1/blueprints/iso-agent', { token: adminA })).status).toBe(200);
    expect((await api('GET', `/v1/runs/${runId}`, { token: adminA })).status).toBe(200);
    expect((await api('GET', `/v1/escalations/${escalationId}`, { token: adminA })).status).toBe(200);

    for (const path of ['/v1/blueprints/iso-agent', '/v1/blueprints/iso-agent/versions', `/v1/runs/${runId}`, `/v1/runs/${runId}/events`, `/v1/escalations/${escalationId}`]) {
      const res = await api('GET', path, { token: adminB });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.error?.code).toBe('NOT_FOUND');
    }
    // Deployments are looked up by agent name: B's answer for A's agent is its answer for a name nobody has (no oracle).
    const active = await api('GET', '/v1/agents/iso-agent/deployments/active', { token: adminB });
    const nowhere = await api('GET', '/v1/agents/no-such-agent/deployments/active', { token: adminB });
    expect([active.status, active.body.error?.code]).toEqual([nowhere.status, nowhere.body.error?.code]);
    expect(active.status).not.toBe(200);
    const history = await api('GET', '/v1/agents/iso-agent/deployments', { token: adminB });
    const noHistory = await api('GET', '/v1/agents/no-such-agent/deployments', { token: adminB });
    expect([history.status, history.body['items'] ?? history.body.error?.code]).toEqual([noHistory.status, noHistory.body['items'] ?? noHistory.body.error?.code]);
    expect((await api('GET', '/v1/agents/iso-agent/deployments', { token: adminA })).body['items']).toHaveLength(1);
    const approve = await api('POST', `/v1/escalations/${escalationId}/approve`, { token: adminB, body: { reason: 'not mine' } });
    expect(approve.status).toBe(404);
    const reject = await api('POST', `/v1/escalations/${escalationId}/reject`, { token: adminB, body: { reason: 'not mine' } });
    expect(reject.status).toBe(404);
    const cancel = await api('POST', `/v1/runs/${runId}/cancel`, { token: adminB, body: {} });
    expect(cancel.status).toBe(404);
    // B's attempts changed nothing.
    expect((await api('GET', `/v1/escalations/${escalationId}`, { token: adminA })).body).toMatchObject({ status: 'pending', decisions: [] });
    expect((await api('GET', `/v1/runs/${runId}`, { token: adminA })).body['status']).toBe('waiting');

    const lists = await Promise.all(['/v1/blueprints?includeArchived=true', '/v1/runs', '/v1/escalations', '/v1/dead-letters'].map((p) => api('GET', p, { token: adminB })));
    for (const list of lists) {
      expect(list.status).toBe(200);
      expect(list.body['items']).toEqual([]);
    }
    // The name is tenant A's only: tenant B can take it for its own blueprint.
    const own = await api('POST', '/v1/blueprints', { token: adminB, body: leadQualifier({ name: 'iso-agent' }) });
    expect(own.status).toBe(201);
    expect((await api('GET', '/v1/blueprints/iso-agent', { token: adminA })).body).toMatchObject({ document: { spec: { governance: { autonomyLevel: 'supervised' } } } });
  }, 60_000);

  it('/v1/audit of tenant B lists none of tenant A\'s records (A\'s own log has them)', async () => {
    // Tenant A's log holds its blueprint, deployment and escalation records.
    const mine = await until(
      () => api('GET', `/v1/audit?resourceId=${escalationId}`, { token: adminA }),
      (res) => res.status !== 200 || (res.body['items'] as unknown[]).length > 0,
      15_000,
    );
    expect(mine.status).toBe(200);
    expect(mine.body['items']).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'escalation.opened', resourceId: escalationId })]));

    // B has a blueprint of the same name (the first test): B sees its own record of it, not A's.
    const sameName = await until(
      () => api('GET', '/v1/audit?resourceId=iso-agent', { token: adminB }),
      (res) => res.status !== 200 || (res.body['items'] as unknown[]).length > 0,
      15_000,
    );
    expect(sameName.body['items']).toEqual([expect.objectContaining({ action: 'blueprint.created', actor: 'bea@b.test', resourceId: 'iso-agent' })]);
    for (const query of [`resourceId=${escalationId}`, `resourceId=${runId}`, `actor=ada@a.test`, `actor=dev@a.test`, 'action=escalation.opened', 'action=deployment.created']) {
      const res = await api('GET', `/v1/audit?${query}`, { token: adminB });
      expect([query, res.status]).toEqual([query, 200]);
      expect([query, res.body['items']]).toEqual([query, []]);
    }
    // Everything B sees is B's: its own blueprint.created (by bea), nothing of A's actors or resources.
    const all = await api('GET', '/v1/audit?limit=200', { token: adminB });
    expect(all.status).toBe(200);
    const items = all.body['items'] as Array<{ actor: string; resourceId: string }>;
    expect(items.filter((r) => r.actor.endsWith('@a.test') || r.resourceId === runId || r.resourceId === escalationId)).toEqual([]);
    const verify = await api('GET', '/v1/audit/verify', { token: adminB });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, problems: [] });
  }, 30_000);

  it('a Viewer reads and cannot write: 403 PERMISSION_DENIED on create, deploy, run and approve', async () => {
    expect((await api('GET', '/v1/blueprints/iso-agent', { token: viewerA })).status).toBe(200);
    expect((await api('GET', `/v1/runs/${runId}`, { token: viewerA })).status).toBe(200);
    expect((await api('GET', `/v1/escalations/${escalationId}`, { token: viewerA })).status).toBe(200);

    const writes: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/blueprints', leadQualifier({ name: 'viewer-made' }), 'CreateAgent'],
      ['PUT', '/v1/blueprints/iso-agent', blueprint(), 'CreateAgent'],
      ['DELETE', '/v1/blueprints/iso-agent', undefined, 'ArchiveAgent'],
      ['POST', '/v1/agents/iso-agent/deployments', {}, 'DeployAgent'],
      ['POST', '/v1/agents/iso-agent/runs', { input: { message: 'x' } }, 'RunAgent'],
      ['POST', `/v1/runs/${runId}/cancel`, {}, 'OperateRuns'],
      ['POST', `/v1/escalations/${escalationId}/approve`, {}, 'ApproveActions'],
      ['POST', '/v1/api-keys', { name: 'k', roles: ['Viewer'] }, 'ManageKeys'],
    ];
    for (const [method, path, body, permission] of writes) {
      const res = await api(method, path, { token: viewerA, ...(body === undefined ? {} : { body }) });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission } });
    }
    expect((await api('GET', '/v1/audit', { token: viewerA })).status).toBe(403);
    // Nothing was written.
    expect((await api('GET', '/v1/blueprints/viewer-made', { token: adminA })).status).toBe(404);
    expect((await api('GET', '/v1/blueprints/iso-agent', { token: adminA })).body).toMatchObject({ version: 1, archivedAt: null });
    expect((await api('GET', `/v1/escalations/${escalationId}`, { token: adminA })).body).toMatchObject({ status: 'pending' });
  }, 30_000);

  it('a token with no role → 403 on writes (and on reads)', async () => {
    const nobody = await mintToken({ tenant: tenantA, roles: [], sub: 'nobody@a.test' });
    for (const [method, path, body] of [
      ['POST', '/v1/blueprints', leadQualifier({ name: 'nobody-made' })],
      ['POST', '/v1/agents/iso-agent/deployments', {}],
      ['POST', '/v1/agents/iso-agent/runs', { input: { message: 'x' } }],
      ['POST', `/v1/escalations/${escalationId}/reject`, { reason: 'no' }],
      ['GET', '/v1/blueprints/iso-agent', undefined],
      ['GET', `/v1/runs/${runId}`, undefined],
    ] as Array<[string, string, unknown]>) {
      const res = await api(method, path, { token: nobody, ...(body === undefined ? {} : { body }) });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.body.error?.code).toBe('PERMISSION_DENIED');
    }
    expect((await api('GET', '/v1/blueprints/nobody-made', { token: adminA })).status).toBe(404);
  }, 30_000);
});

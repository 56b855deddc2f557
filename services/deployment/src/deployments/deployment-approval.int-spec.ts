import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@nats-io/nats-core';
import { AuditEventSchema, parseTenantId, type AuditEvent } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { decode, processNamespace } from '@af/messaging';
import { startServiceProcess, testTenant, until, type ServiceProcess } from '@af/testing';
import { connectClient, startDeployment } from '../test/harness.js';
import { answerUpstream, blueprint, type FakeBlueprint } from '../test/upstream-responders.js';
import { ApprovedDeploymentService } from './approved-deployment.service.js';
import { DeploymentRepository } from './deployment.repository.js';

/**
 * EMMA's rule: a realWorld agent goes live only with an Administrator's approval. The real
 * governance service runs as its own process; blueprints, validation and compilation are stand-ins.
 */
describe('deployment approvals: a realWorld agent deployed without ApproveRealWorld waits for an Administrator', () => {
  let governance: ServiceProcess;
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let upstream: ReturnType<typeof answerUpstream>;
  let auditSub: Subscription;
  const audit: AuditEvent[] = [];
  const tenant = parseTenantId(testTenant());
  const catalog: Record<string, FakeBlueprint[]> = {
    [tenant]: [
      blueprint('payouts', 1, true, { adminOnly: true }),
      blueprint('refunds', 1, true, { realWorldTool: true }),
      blueprint('charges', 1, true, { realWorldTool: true }),
      blueprint('notes', 1),
    ],
  };
  const pm = { subject: 'pm@acme.example', roles: ['ProductManager'], permissions: [] };
  const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };
  const deploy = (agent: string, caller: typeof pm, approvedEscalationId = '') => client.bus.request('af.v1.deployments.create', { agent, version: 0, caller, approvedEscalationId }, { tenantId: tenant });
  const decide = (id: string, caller: typeof pm, decision: 'approve' | 'reject', reason = '') => client.bus.request('af.v1.escalations.decide', { id, decision, reason, caller }, { tenantId: tenant });
  const active = (agent: string) => client.bus.request('af.v1.deployments.get', { agent, deploymentId: '' }, { tenantId: tenant }).then((r) => r.deployment ?? null, () => null);
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };

  beforeAll(async () => {
    [governance, deployment] = await Promise.all([startServiceProcess('governance', { GOVERNANCE_SWEEP_INTERVAL_MS: '500' }), startDeployment()]);
    client = await connectClient();
    upstream = answerUpstream(client.nc, new Set([tenant]), (t) => catalog[t] ?? []);
    auditSub = client.nc.subscribe(processNamespace().subject('af.v1.audit.record'), { callback: (_e, msg) => {
        audit.push(decode(AuditEventSchema, msg.data));
      },
    });
    await client.nc.flush();
  }, 90_000);

  afterAll(async () => {
    auditSub?.unsubscribe();
    await upstream?.stop();
    await client?.close();
    await deployment?.stop();
    await governance?.stop();
  });

  it('a ProductManager’s deploy → 403 APPROVAL_REQUIRED with the escalation; an Administrator approves → deployed on the PM’s behalf', async () => {
    const refused = await rejection(deploy('payouts', pm));
    expect(refused).toMatchObject({ code: ErrorCode.ApprovalRequired, path: '/agent', message: expect.stringContaining('realWorld agent') });
    const details = refused.details as { escalationId: string; finding: Record<string, string> };
    expect(details.finding).toMatchObject({ tier: 'policy', code: 'REALWORLD_DEPLOY_NEEDS_ADMIN' });
    expect(upstream.validated).toContainEqual({ tenant, caller: pm.subject });
    expect(await active('payouts')).toBeNull();

    // Asking again is the same request, not a second one.
    const again = await rejection(deploy('payouts', pm));
    expect((again.details as { escalationId: string }).escalationId).toBe(details.escalationId);

    const escalation = (await client.bus.request('af.v1.escalations.get', { id: details.escalationId }, { tenantId: tenant })).escalation!;
    expect(escalation).toMatchObject({ kind: 'deployment', status: 'pending', agent: 'payouts', version: 1, risk: 'realWorld', requiredPermission: 'ApproveRealWorld', requestedBy: pm.subject });
    expect(JSON.parse(escalation.detailsJson)).toMatchObject({ agent: 'payouts', version: 1, artifactHash: 'sha256:art-sha256:payouts-1', requestedBy: pm.subject });
    // Neither the requester nor another ProductManager may approve it.
    expect(await rejection(decide(escalation.id, pm, 'approve'))).toMatchObject({ code: ErrorCode.PermissionDenied });
    expect(await rejection(decide(escalation.id, { ...pm, subject: 'pm2@acme.example' }, 'approve'))).toMatchObject({ code: ErrorCode.PermissionDenied, message: expect.stringContaining('ApproveRealWorld') });

    await decide(escalation.id, admin, 'approve', 'checked the payout limits');
    const deployed = await until(() => active('payouts'), (d) => d !== null, 15_000);
    expect(deployed).toMatchObject({ agent: 'payouts', version: 1, status: 'active', createdBy: pm.subject, artifactHash: 'sha256:art-sha256:payouts-1' });
    const record = await deployment.service.app.get(DeploymentRepository).findByEscalation(tenant, escalation.id);
    expect(record?.id).toBe(deployed!.deploymentId);
    const created = await until(async () => audit.find((a) => a.action === 'deployment.created' && a.resourceId === deployed!.deploymentId), (a) => a !== undefined);
    expect(created!.actor).toBe(pm.subject);
    expect(JSON.parse(created!.detailsJson)).toMatchObject({ approvedEscalationId: escalation.id, approvedBy: [admin.subject] });
    expect(audit.some((a) => a.action === 'deployment.approval_requested' && JSON.parse(a.detailsJson).escalationId === escalation.id)).toBe(true);

    // A redelivered approval finds the deployment it made: nothing new.
    const decided = (await client.bus.request('af.v1.escalations.get', { id: escalation.id }, { tenantId: tenant })).escalation!;
    await deployment.service.app.get(ApprovedDeploymentService).onEscalationDecided(tenant, { $typeName: 'af.v1.EscalationChanged', escalation: decided });
    const history = await client.bus.request('af.v1.deployments.list', { agent: 'payouts', limit: 0 }, { tenantId: tenant });
    expect(history.deployments).toHaveLength(1);
  }, 30_000);

  it('an agent with a realWorld tool, rejected: nothing deployed, audited, and asking again answers 409 with the decision', async () => {
    const refused = await rejection(deploy('refunds', pm));
    expect(refused.code).toBe(ErrorCode.ApprovalRequired);
    const id = (refused.details as { escalationId: string }).escalationId;
    expect(await rejection(decide(id, admin, 'reject'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/reason' });
    await decide(id, admin, 'reject', 'refunds stay manual this quarter');
    const rejected = await until(async () => audit.find((a) => a.action === 'deployment.rejected' && JSON.parse(a.detailsJson).escalationId === id), (a) => a !== undefined);
    expect(rejected).toMatchObject({ actor: admin.subject, outcome: 'denied', resourceId: 'refunds' });
    expect(await active('refunds')).toBeNull();
    expect(await rejection(deploy('refunds', pm))).toMatchObject({ code: ErrorCode.ApprovalRejected, message: expect.stringContaining('refunds stay manual this quarter') });
  }, 30_000);

  it('an Administrator’s own deploy goes straight through; an agent without realWorld needs nobody', async () => {
    expect((await deploy('charges', admin)).deployment).toMatchObject({ agent: 'charges', status: 'active', createdBy: admin.subject });
    expect((await deploy('notes', pm)).deployment).toMatchObject({ agent: 'notes', status: 'active', createdBy: pm.subject });
  });

  it('refuses approvedEscalationId from a client: only an approval sets it', async () => {
    expect(await rejection(deploy('charges', pm, '5b0e8a0c-1f0e-4c55-8f1e-2a7d6c1f0e11'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/approvedEscalationId' });
  });
});

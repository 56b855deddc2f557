import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventSchema, EscalationChangedSchema, Headers, parseTenantId, type OpenEscalationRequest } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import type { DataSource } from 'typeorm';
import { testTenant, until } from '@af/testing';
import { EscalationService } from './escalation.service.js';
import { admin, admin2, connectClient, dev, pm, pm2, startGovernance, viewer } from '../test/harness.js';

type Open = Partial<Omit<OpenEscalationRequest, '$typeName' | 'policy'>> & { policy?: { quorum?: number; levels?: { roles?: string[]; deadlineSeconds?: number }[] } };

describe('governance escalations against real PostgreSQL and NATS', () => {
  let governance: Awaited<ReturnType<typeof startGovernance>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    // Deadlines of 1 s (the floor lowered for tests) and a fast sweep; the outbox relay only when asked.
    governance = await startGovernance({ GOVERNANCE_MIN_DEADLINE_SEC: '1', GOVERNANCE_SWEEP_INTERVAL_MS: '200', GOVERNANCE_OUTBOX_INTERVAL_MS: '600000' });
    client = await connectClient();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await governance?.stop();
  });

  const open = (input: Open = {}, tenantId: string = tenant) =>
    client.bus.request(
      'af.v1.escalations.open',
      {
        idempotencyKey: `step-${randomUUID()}`,
        kind: 'tool_call',
        runId: randomUUID(),
        stepId: 'r/3',
        agent: 'lead-qualifier',
        version: 2,
        tool: 'crm.update',
        argumentsJson: '{"lead":"L-1","stage":"won"}',
        risk: 'external',
        rule: 'autonomy:supervised:external',
        reason: 'the lead accepted the offer',
        requestedBy: 'runner@acme.example',
        ...input,
      },
      { tenantId },
    );
  const decide = (id: string, caller: typeof admin, decision: 'approve' | 'reject', reason = '', tenantId: string = tenant) =>
    client.bus.request('af.v1.escalations.decide', { id, decision, reason, caller }, { tenantId });
  const get = (id: string, tenantId: string = tenant) => client.bus.request('af.v1.escalations.get', { id }, { tenantId });
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };
  const lastOn = async (subject: string) => {
    const ns = processNamespace();
    const stream = subject === 'af.v1.audit.record' ? 'AF_AUDIT' : 'AF_EVENTS';
    return client.jsm.streams.getMessage(ns.streamName(stream), { last_by_subj: ns.subject(subject) });
  };

  it('opens an escalation with the default policy, once per idempotency key, and announces it', async () => {
    const key = `step-${randomUUID()}`;
    const first = await open({ idempotencyKey: key });
    expect(first.created).toBe(true);
    const e = first.escalation!;
    expect(e).toMatchObject({ kind: 'tool_call', status: 'pending', tool: 'crm.update', risk: 'external', requiredPermission: 'ApproveActions', quorum: 1, level: 1, levels: 2, levelRoles: [] });
    const deadline = new Date(e.deadline).getTime();
    expect(deadline - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(86_400_000);

    const again = await open({ idempotencyKey: key, tool: 'something.else' });
    expect(again.created).toBe(false);
    expect(again.escalation?.id).toBe(e.id);
    expect(again.escalation?.tool).toBe('crm.update');

    const stored = await lastOn('af.v1.escalations.event.opened');
    expect(stored?.header.get(Headers.tenantId)).toBe(tenant);
    expect(fromBinary(EscalationChangedSchema, stored!.data).escalation?.id).toBe(e.id);
    const audit = fromBinary(AuditEventSchema, (await lastOn('af.v1.audit.record'))!.data);
    expect(audit).toMatchObject({ action: 'escalation.opened', actor: 'runner@acme.example', resourceType: 'escalation', resourceId: e.id, service: 'governance' });
  });

  it('refuses bad input with the path and a realWorld risk approved by ApproveActions', async () => {
    expect(await rejection(open({ kind: 'coffee' }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/kind' });
    expect(await rejection(open({ argumentsJson: JSON.stringify({ blob: 'x'.repeat(70_000) }) }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/argumentsJson' });
    expect(await rejection(open({ argumentsJson: '{nope' }))).toMatchObject({ path: '/argumentsJson' });
    expect(await rejection(open({ risk: 'realWorld', requiredPermission: 'ApproveActions' }))).toMatchObject({ path: '/requiredPermission' });
    expect(await rejection(open({ policy: { quorum: 6 } }))).toMatchObject({ path: '/policy/quorum' });
    expect(await rejection(open({ policy: { levels: [{ deadlineSeconds: 31 * 86_400 }] } }))).toMatchObject({ path: '/policy/levels/0/deadlineSeconds' });
    expect(await rejection(open({ policy: { levels: [{ roles: ['Viewer'] }] } }))).toMatchObject({ path: '/policy/levels/0/roles/0' });
    expect(await rejection(open({ requestedBy: '' }))).toMatchObject({ path: '/requestedBy' });
    const realWorld = await open({ risk: 'realWorld', tool: 'payment.process' });
    expect(realWorld.escalation?.requiredPermission).toBe('ApproveRealWorld');
  });

  it('checks the decider: permission, level role, never the requester, reason to reject', async () => {
    const { escalation } = await open({ requestedBy: pm.subject });
    const id = escalation!.id;
    expect(await rejection(decide(id, viewer, 'approve'))).toMatchObject({ code: ErrorCode.PermissionDenied, message: expect.stringContaining('ApproveActions') });
    const self = await rejection(decide(id, pm, 'approve'));
    expect(self).toMatchObject({ code: ErrorCode.PermissionDenied, message: expect.stringContaining('self-approval') });
    expect(await rejection(decide(id, dev, 'reject', '   '))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/reason' });
    expect(await rejection(decide(id, dev, 'reject', 'x'.repeat(2_001)))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/reason' });
    expect(await rejection(decide(id, dev, 'approve', '', other))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(get(id, other))).toMatchObject({ code: ErrorCode.NotFound });

    const realWorld = await open({ risk: 'realWorld', tool: 'payment.process', requestedBy: pm.subject });
    expect(await rejection(decide(realWorld.escalation!.id, dev, 'approve'))).toMatchObject({ code: ErrorCode.PermissionDenied, message: expect.stringContaining('ApproveRealWorld') });

    const adminsOnly = await open({ policy: { levels: [{ roles: ['Administrator'], deadlineSeconds: 3_600 }] } });
    expect(await rejection(decide(adminsOnly.escalation!.id, pm2, 'approve'))).toMatchObject({ code: ErrorCode.PermissionDenied, message: expect.stringContaining('Administrator') });
    expect((await decide(adminsOnly.escalation!.id, admin, 'approve')).escalation?.status).toBe('approved');
  });

  it('rejects on one rejection, with the reason, audited and announced; a decided escalation is closed', async () => {
    const { escalation } = await open();
    const reply = await decide(escalation!.id, dev, 'reject', 'the customer did not agree');
    expect(reply.escalation).toMatchObject({ status: 'rejected', decidedBy: dev.subject, decisionReason: 'the customer did not agree' });
    expect(reply.escalation?.decisions).toEqual([expect.objectContaining({ actor: dev.subject, decision: 'reject', level: 1 })]);
    expect(await rejection(decide(escalation!.id, admin, 'approve'))).toMatchObject({ code: ErrorCode.Conflict });

    const event = fromBinary(EscalationChangedSchema, (await lastOn('af.v1.escalations.event.decided'))!.data);
    expect(event.escalation).toMatchObject({ id: escalation!.id, status: 'rejected', decisionReason: 'the customer did not agree' });
    const audit = fromBinary(AuditEventSchema, (await lastOn('af.v1.audit.record'))!.data);
    expect(audit).toMatchObject({ action: 'escalation.rejected', actor: dev.subject, resourceId: escalation!.id });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({ reason: 'the customer did not agree', decidedBy: dev.subject });
  });

  it('needs a quorum of 2 distinct approvers; the same approver twice is a conflict', async () => {
    const { escalation } = await open({ policy: { quorum: 2 } });
    const id = escalation!.id;
    const first = await decide(id, dev, 'approve');
    expect(first.escalation).toMatchObject({ status: 'pending', decisions: [expect.objectContaining({ actor: dev.subject })] });
    expect(await rejection(decide(id, dev, 'approve'))).toMatchObject({ code: ErrorCode.Conflict, message: expect.stringContaining('distinct') });
    const second = await decide(id, admin, 'approve', 'fine by me');
    expect(second.escalation).toMatchObject({ status: 'approved', decidedBy: admin.subject });
    expect(second.escalation?.decisions.map((d) => d.actor)).toEqual([dev.subject, admin.subject]);
    const event = fromBinary(EscalationChangedSchema, (await lastOn('af.v1.escalations.event.decided'))!.data);
    expect(event.escalation).toMatchObject({ id, status: 'approved' });
    expect(fromBinary(AuditEventSchema, (await lastOn('af.v1.audit.record'))!.data)).toMatchObject({ action: 'escalation.approved', actor: admin.subject });
  });

  it('serializes concurrent approvers: with quorum 1, exactly one of three is the approver', async () => {
    const { escalation } = await open();
    const results = await Promise.allSettled([decide(escalation!.id, dev, 'approve'), decide(escalation!.id, admin, 'approve'), decide(escalation!.id, admin2, 'approve')]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: ErrorCode.Conflict });
    const final = (await get(escalation!.id)).escalation!;
    expect(final.status).toBe('approved');
    expect(final.decisions).toHaveLength(1);
  });

  it('at a deadline moves to the next level, and after the last rejects by policy — never approves', async () => {
    const { escalation } = await open({ policy: { levels: [{ deadlineSeconds: 1 }, { roles: ['Administrator'], deadlineSeconds: 1 }] } });
    const id = escalation!.id;
    const escalated = await until(() => get(id), (r) => r.escalation?.level === 2, 10_000);
    expect(escalated.escalation).toMatchObject({ status: 'pending', level: 2, levelRoles: ['Administrator'] });
    const movedEvent = fromBinary(EscalationChangedSchema, (await until(() => lastOn('af.v1.escalations.event.escalated'), (m) => fromBinary(EscalationChangedSchema, m!.data).escalation?.id === id))!.data);
    expect(movedEvent.escalation).toMatchObject({ level: 2, status: 'pending' });
    // Level 2 names Administrators: a ProductManager may no longer decide.
    expect(await rejection(decide(id, pm2, 'approve'))).toMatchObject({ code: ErrorCode.PermissionDenied });

    const closed = await until(() => get(id), (r) => r.escalation?.status !== 'pending', 10_000);
    expect(closed.escalation).toMatchObject({ status: 'rejected', decidedBy: 'policy', decisionReason: 'no decision before the deadline of level 2' });
    const decided = await until(() => lastOn('af.v1.escalations.event.decided'), (m) => fromBinary(EscalationChangedSchema, m!.data).escalation?.id === id);
    expect(fromBinary(EscalationChangedSchema, decided!.data).escalation?.status).toBe('rejected');
    expect(await rejection(decide(id, admin, 'approve'))).toMatchObject({ code: ErrorCode.Conflict });
  });

  it('lists the tenant’s escalations newest first, filtered, page by page', async () => {
    const runId = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await open({ runId }, other)).escalation!.id);
    await decide(ids[0]!, admin, 'approve', '', other);
    const page1 = await client.bus.request('af.v1.escalations.list', { status: '', kind: '', runId, limit: 2, cursor: '' }, { tenantId: other });
    expect(page1.items.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const page2 = await client.bus.request('af.v1.escalations.list', { status: '', kind: '', runId, limit: 2, cursor: page1.nextCursor }, { tenantId: other });
    expect(page2.items.map((e) => e.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBe('');
    const pending = await client.bus.request('af.v1.escalations.list', { status: 'pending', kind: 'tool_call', runId, limit: 0, cursor: '' }, { tenantId: other });
    expect(pending.items.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const mine = await client.bus.request('af.v1.escalations.list', { status: '', kind: '', runId, limit: 0, cursor: '' }, { tenantId: tenant });
    expect(mine.items).toEqual([]);
    expect(await rejection(client.bus.request('af.v1.escalations.list', { status: 'maybe', kind: '', runId: '', limit: 0, cursor: '' }, { tenantId: tenant }))).toMatchObject({ path: '/status' });
    expect(await rejection(client.bus.request('af.v1.escalations.list', { status: '', kind: '', runId: '', limit: 201, cursor: '' }, { tenantId: tenant }))).toMatchObject({ path: '/limit' });
  });

  it('relays an event whose publication did not happen (outbox): published and marked', async () => {
    const { escalation } = await open();
    const db = governance.service.app.get<DataSource>(DATA_SOURCE);
    // As if the broker had been away when the escalation was opened.
    // The service's role sees rows only in a scope (row-level security): the test tampers in the system scope.
    await withSystemScope(db, 'test: un-publish an event', (m) => m.query(`UPDATE ${governance.schema}.escalation_events SET published_at = NULL, created_at = created_at - interval '1 hour' WHERE escalation_id = $1`, [escalation!.id]));
    const relayed = await governance.service.app.get(EscalationService).relay();
    expect(relayed).toBeGreaterThanOrEqual(1);
    const rows: { published: boolean }[] = await withSystemScope(db, 'test: read the event back', (m) =>
      m.query(`SELECT published_at IS NOT NULL AS published FROM ${governance.schema}.escalation_events WHERE escalation_id = $1`, [escalation!.id]),
    );
    expect(rows).toEqual([{ published: true }]);
    const stored = await lastOn('af.v1.escalations.event.opened');
    expect(fromBinary(EscalationChangedSchema, stored!.data).escalation?.id).toBe(escalation!.id);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventSchema, EscalationChangedSchema, parseTenantId, type OpenEscalationRequest } from '@af/contracts';
import { processNamespace } from '@af/messaging';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import type { DataSource } from 'typeorm';
import { testTenant, until } from '@af/testing';
import { EscalationService } from './escalation.service.js';
import { admin, connectClient, startGovernance } from '../test/harness.js';

describe('a cancelled run closes its pending escalations (governance-run-cancelled, real PostgreSQL and NATS)', () => {
  let governance: Awaited<ReturnType<typeof startGovernance>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    governance = await startGovernance({ GOVERNANCE_OUTBOX_INTERVAL_MS: '600000' });
    client = await connectClient();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await governance?.stop();
  });

  const open = async (runId: string, input: Partial<Omit<OpenEscalationRequest, '$typeName' | 'policy'>> = {}, tenantId: string = tenant) =>
    (
      await client.bus.request(
        'af.v1.escalations.open',
        {
          idempotencyKey: `step-${randomUUID()}`,
          kind: 'tool_call',
          runId,
          stepId: `${runId}/3`,
          agent: 'lead-qualifier',
          version: 2,
          tool: 'crm.update',
          argumentsJson: '{"lead":"L-1"}',
          risk: 'external',
          rule: 'autonomy:supervised:external',
          reason: 'the lead accepted the offer',
          requestedBy: 'runner@acme.example',
          ...input,
        },
        { tenantId },
      )
    ).escalation!;
  const get = async (id: string, tenantId: string = tenant) => (await client.bus.request('af.v1.escalations.get', { id }, { tenantId })).escalation!;
  const cancel = (runId: string, msgId = `t-cancel-${runId}`) =>
    client.bus.publish('af.v1.runs.event.cancelled', { runId, reason: 'wrong customer', agent: 'lead-qualifier', version: 2, atMs: BigInt(Date.now()), cancelledBy: 'dev@acme.example' }, { msgId, tenantId: tenant });
  const decidedEvents = async (escalationId: string): Promise<number> => {
    const db = governance.service.app.get<DataSource>(DATA_SOURCE);
    const rows: { n: number }[] = await withSystemScope(db, 'test: count decided events', (m) =>
      m.query(`SELECT count(*)::int AS n FROM ${governance.schema}.escalation_events WHERE escalation_id = $1 AND type = 'decided'`, [escalationId]),
    );
    return rows[0]!.n;
  };
  const lastOn = (subject: string) => {
    const ns = processNamespace();
    return client.jsm.streams.getMessage(ns.streamName(subject === 'af.v1.audit.record' ? 'AF_AUDIT' : 'AF_EVENTS'), { last_by_subj: ns.subject(subject) });
  };

  it("rejects the run's pending escalations with who cancelled it and why, announced and audited; decided ones and another tenant's untouched; a redelivery is harmless", async () => {
    const runId = randomUUID();
    const toolCall = await open(runId);
    const lowConfidence = await open(runId, { kind: 'low_confidence', tool: '', stepId: `${runId}/5`, rule: 'output.minConfidence' });
    const approved = await open(runId, { stepId: `${runId}/1` });
    await client.bus.request('af.v1.escalations.decide', { id: approved.id, decision: 'approve', reason: '', caller: admin }, { tenantId: tenant });
    const foreign = await open(runId, {}, other);

    await cancel(runId);
    const reason = 'the run was cancelled by dev@acme.example: wrong customer';
    for (const id of [toolCall.id, lowConfidence.id]) {
      const closed = await until(() => get(id), (e) => e.status !== 'pending', 10_000);
      expect(closed).toMatchObject({ status: 'rejected', decidedBy: 'system', decisionReason: reason });
    }
    expect(await get(approved.id)).toMatchObject({ status: 'approved', decidedBy: admin.subject });
    expect(await get(foreign.id, other)).toMatchObject({ status: 'pending', decidedBy: '' });

    // The decided event (which the orchestrator's consumer ignores for the now final run) and the audit record.
    const event = await until(() => lastOn('af.v1.escalations.event.decided'), (m) => [toolCall.id, lowConfidence.id].includes(fromBinary(EscalationChangedSchema, m!.data).escalation?.id ?? ''));
    expect(fromBinary(EscalationChangedSchema, event!.data).escalation).toMatchObject({ runId, status: 'rejected', decidedBy: 'system', decisionReason: reason });
    const audit = fromBinary(AuditEventSchema, (await until(() => lastOn('af.v1.audit.record'), (m) => fromBinary(AuditEventSchema, m!.data).action === 'escalation.rejected'))!.data);
    expect(audit).toMatchObject({ action: 'escalation.rejected', actor: 'system:governance', resourceType: 'escalation' });
    expect([toolCall.id, lowConfidence.id]).toContain(audit.resourceId);
    expect(JSON.parse(audit.detailsJson)).toMatchObject({ runId, decidedBy: 'system', reason, status: 'rejected' });

    // Redelivery (another message id, so JetStream does not deduplicate it) and a direct repeat: nothing more.
    await cancel(runId, `t-cancel-again-${runId}`);
    const later = randomUUID();
    const sentinel = await open(later);
    await cancel(later);
    await until(() => get(sentinel.id), (e) => e.status === 'rejected', 10_000);
    expect(await governance.service.app.get(EscalationService).onRunCancelled(tenant, { runId, reason: 'again', cancelledBy: 'dev@acme.example' } as never)).toBe(0);
    expect(await decidedEvents(toolCall.id)).toBe(1);
    expect(await decidedEvents(lowConfidence.id)).toBe(1);
    expect(await get(toolCall.id)).toMatchObject({ decisionReason: reason });
    expect(await get(foreign.id, other)).toMatchObject({ status: 'pending' });
  }, 60_000);
});

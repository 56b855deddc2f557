import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { governanceDataSource } from '../persistence/data-source.js';
import { EscalationRepository, type NewEscalation } from './escalation.repository.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('governance: row-level security on escalations, as the service role (real PostgreSQL)', () => {
  const schema = uniqueName('governance_test');
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  let asService: DataSource;
  let sut: EscalationRepository;
  const ids = new Map<string, string>();
  const escalation = (): NewEscalation => ({
    idempotencyKey: randomUUID(), kind: 'tool_call', runId: randomUUID(), stepId: 's1', agent: 'lead-qualifier', version: 1, tool: 'payment.process', argumentsJson: '{}',
    risk: 'realWorld', rule: 'supervised: external needs approval', reason: 'asked', requestedBy: 'dev@acme.example', requiredPermission: 'ApproveRealWorld', quorum: 1,
    levels: [{ roles: ['Administrator'], deadlineSeconds: 3600 }], detailsJson: '{}', correlationId: randomUUID(),
  });

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the service boots with.
    asService = await openDataSource(governanceDataSource(url, schema, 2));
    sut = new EscalationRepository(asService);
    for (const tenantId of [tenant, other]) {
      const opened = await sut.open(tenantId, escalation());
      ids.set(tenantId, opened.row.id);
      await sut.decide(tenantId, opened.row.id, 'admin@acme.example', () => ({ kind: 'record', decision: 'approve', reason: 'ok', closes: 'approved' }));
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it.each(['escalations', 'escalation_decisions', 'escalation_events'])("%s: a raw query without a tenant filter, in a tenant transaction, returns only that tenant's rows; outside a scope none", async (table) => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: tenant }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM ${table}`))).toEqual([{ n: 2 }]);
  });

  it("the repository does not find another tenant's escalation; the outbox relay (system scope) sees both tenants' events", async () => {
    expect(await sut.find(tenant, ids.get(other)!)).toBeNull();
    expect((await sut.find(other, ids.get(other)!))?.status).toBe('approved');
    const events = await sut.findUnpublishedEvents(0, 100);
    expect(new Set(events.map((e) => e.tenantId))).toEqual(new Set([tenant, other]));
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE escalations SET tenant_id = $1`, [other]))).rejects.toThrow(/row-level security/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { AuditEventSchema, parseTenantId, type ReserveBudgetRequest, type SettleBudgetRequest } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import { testTenant } from '@af/testing';
import type { DataSource } from 'typeorm';
import { admin, connectClient, startMetering } from '../test/harness.js';
import { MeteringService } from './metering.service.js';

type Reserve = Partial<Omit<ReserveBudgetRequest, '$typeName'>>;
type Settle = Partial<Omit<SettleBudgetRequest, '$typeName'>>;

describe('metering: budgets and usage against real PostgreSQL and NATS', () => {
  let metering: Awaited<ReturnType<typeof startMetering>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let jsm: JetStreamManager;
  let db: DataSource;

  beforeAll(async () => {
    // The sweeper only when a test asks (it backdates a reservation, then sweeps).
    metering = await startMetering({ METERING_SWEEP_INTERVAL_MS: '600000' });
    client = await connectClient();
    jsm = await jetstreamManager(client.nc);
    db = metering.service.app.get<DataSource>(DATA_SOURCE);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await metering?.stop();
  });

  const newTenant = () => parseTenantId(testTenant());
  const reserve = (tenantId: string, input: Reserve = {}) =>
    client.bus.request(
      'af.v1.budgets.reserve',
      { reservationId: `${randomUUID()}/1`, runId: randomUUID(), agent: 'lead-qualifier', provider: 'openai', model: 'gpt-4o', estimateUsd: 1, estimatedInputTokens: 1000, maxOutputTokens: 4096, ...input },
      { tenantId },
    );
  const settle = (tenantId: string, input: Settle = {}) =>
    client.bus.request(
      'af.v1.budgets.settle',
      { reservationId: randomUUID(), runId: randomUUID(), agent: 'lead-qualifier', provider: 'openai', model: 'gpt-4o', outcome: 'ok', inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, costUsd: 0, ...input },
      { tenantId },
    );
  const put = (tenantId: string, scope: string, period: string, limitUsd: number, agent = '') =>
    client.bus.request('af.v1.budgets.put', { scope, agent, period, limitUsd, caller: admin }, { tenantId });
  const list = async (tenantId: string, agent = '') => (await client.bus.request('af.v1.budgets.list', { agent }, { tenantId })).items;
  const budgetOf = async (tenantId: string, scope: string, period: string, agent = '') => (await list(tenantId, agent)).find((b) => b.scope === scope && b.period === period && b.agent === agent)!;
  const usage = (tenantId: string, groupBy: string, from = '', to = '', agent = '') => client.bus.request('af.v1.usage.query', { groupBy, from, to, agent }, { tenantId });
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };
  const today = () => new Date().toISOString().slice(0, 10);

  it('20 concurrent reserves of 1 USD against a 5 USD budget: exactly 5 granted, never overspent', async () => {
    const tenant = newTenant();
    await put(tenant, 'tenant', 'day', 5);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(tenant, { agent: i % 2 ? 'lead-qualifier' : 'support-bot' })));
    expect(answers.filter((a) => a.granted)).toHaveLength(5);
    for (const refused of answers.filter((a) => !a.granted)) expect(refused.refusedBy).toMatchObject({ scope: 'tenant', period: 'day', limitUsd: 5, reservedUsd: 5, spentUsd: 0 });
    expect(await budgetOf(tenant, 'tenant', 'day')).toMatchObject({ limitUsd: 5, reservedUsd: 5, spentUsd: 0, periodStart: `${today()}T00:00:00.000Z`, updatedBy: admin.subject });
  });

  it('reserve is idempotent on the reservation id: the same answer, counted once; a refusal is repeated too', async () => {
    const tenant = newTenant();
    await put(tenant, 'tenant', 'month', 3);
    const first = await reserve(tenant, { reservationId: 'run-1/1', estimateUsd: 2 });
    const again = await reserve(tenant, { reservationId: 'run-1/1', estimateUsd: 2 });
    expect(first).toMatchObject({ granted: true, reservationId: 'run-1/1', estimateUsd: 2, expiresInMs: 600_000n });
    expect(again).toEqual(first);
    expect(await budgetOf(tenant, 'tenant', 'month')).toMatchObject({ reservedUsd: 2 });
    const refused = await reserve(tenant, { reservationId: 'run-1/2', estimateUsd: 2 });
    expect(refused.granted).toBe(false);
    // The budget is raised meanwhile: the same id still gets its first answer.
    await put(tenant, 'tenant', 'month', 100);
    expect(await reserve(tenant, { reservationId: 'run-1/2', estimateUsd: 2 })).toEqual(refused);
    expect(await budgetOf(tenant, 'tenant', 'month')).toMatchObject({ reservedUsd: 2, limitUsd: 100 });
  });

  it("a refusal is a normal reply naming the first budget exceeded (the agent's day before the tenant's month)", async () => {
    const tenant = newTenant();
    await put(tenant, 'agent', 'day', 2, 'lead-qualifier');
    await put(tenant, 'tenant', 'month', 1);
    const answer = await reserve(tenant, { estimateUsd: 2.5 });
    expect(answer.granted).toBe(false);
    expect(answer.refusedBy).toMatchObject({ scope: 'agent', agent: 'lead-qualifier', period: 'day', limitUsd: 2, spentUsd: 0, reservedUsd: 0, periodStart: `${today()}T00:00:00.000Z` });
    // Another agent is only under the tenant's month budget.
    const other = await reserve(tenant, { agent: 'support-bot', estimateUsd: 1.5 });
    expect(other.refusedBy).toMatchObject({ scope: 'tenant', agent: '', period: 'month', limitUsd: 1 });
    expect(await reserve(tenant, { agent: 'support-bot', estimateUsd: 1 })).toMatchObject({ granted: true });
    const rows: { status: string }[] = await withSystemScope(db, 'test: read reservations', (m) =>
      m.query(`SELECT status FROM ${metering.schema}.reservations WHERE tenant_id = $1 ORDER BY created_at`, [tenant]),
    );
    expect(rows.map((r) => r.status)).toEqual(['refused', 'refused', 'open']);
  });

  it('settle releases the unused remainder and adds the real cost, once; a usage line is written', async () => {
    const tenant = newTenant();
    await put(tenant, 'agent', 'month', 10, 'lead-qualifier');
    const reservationId = `${randomUUID()}/3`;
    expect(await reserve(tenant, { reservationId, estimateUsd: 4 })).toMatchObject({ granted: true });
    expect(await budgetOf(tenant, 'agent', 'month', 'lead-qualifier')).toMatchObject({ reservedUsd: 4, spentUsd: 0 });
    expect(await settle(tenant, { reservationId, costUsd: 1.5, inputTokens: 1200, outputTokens: 300 })).toMatchObject({ reservationId, recorded: true });
    expect(await budgetOf(tenant, 'agent', 'month', 'lead-qualifier')).toMatchObject({ reservedUsd: 0, spentUsd: 1.5 });
    expect(await settle(tenant, { reservationId, costUsd: 9 })).toMatchObject({ recorded: false });
    expect(await budgetOf(tenant, 'agent', 'month', 'lead-qualifier')).toMatchObject({ reservedUsd: 0, spentUsd: 1.5 });
    expect((await usage(tenant, 'agent')).total).toMatchObject({ calls: 1n, inputTokens: 1200n, outputTokens: 300n, costUsd: 1.5 });
    // 1.5 spent + 8.5 ≤ 10 holds; 8.6 does not.
    expect(await reserve(tenant, { estimateUsd: 8.5 })).toMatchObject({ granted: true });
    expect(await reserve(tenant, { estimateUsd: 0.1 })).toMatchObject({ granted: false, refusedBy: { spentUsd: 1.5, reservedUsd: 8.5 } });
  });

  it('an expired reservation releases its estimate; settling it later still records the cost', async () => {
    const tenant = newTenant();
    await put(tenant, 'tenant', 'day', 5);
    const reservationId = `${randomUUID()}/1`;
    expect(await reserve(tenant, { reservationId, estimateUsd: 4 })).toMatchObject({ granted: true });
    expect(await reserve(tenant, { estimateUsd: 2 })).toMatchObject({ granted: false });
    await withSystemScope(db, 'test: expire a reservation', (m) =>
      m.query(`UPDATE ${metering.schema}.reservations SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND reservation_id = $2`, [tenant, reservationId]),
    );
    expect(await metering.service.app.get(MeteringService).sweep()).toBeGreaterThanOrEqual(1);
    expect(await budgetOf(tenant, 'tenant', 'day')).toMatchObject({ reservedUsd: 0, spentUsd: 0 });
    const metrics = await metering.service.app.get(MetricsRegistry).text();
    expect(metrics).toMatch(/af_budget_reservations_expired_total\{[^}]*\} [1-9]/);
    expect(await reserve(tenant, { estimateUsd: 2 })).toMatchObject({ granted: true });
    expect(await settle(tenant, { reservationId, costUsd: 3 })).toMatchObject({ recorded: true });
    // The late cost counts; the released estimate is not released twice.
    expect(await budgetOf(tenant, 'tenant', 'day')).toMatchObject({ reservedUsd: 2, spentUsd: 3 });
    // A second sweep finds nothing of this tenant's to release.
    await metering.service.app.get(MeteringService).sweep();
    expect(await budgetOf(tenant, 'tenant', 'day')).toMatchObject({ reservedUsd: 2, spentUsd: 3 });
  });

  it('spend is counted without any budget, so a budget set mid-period sees it at once (an unknown reservation too)', async () => {
    const tenant = newTenant();
    expect(await settle(tenant, { reservationId: 'never-reserved/1', costUsd: 0.75 })).toMatchObject({ recorded: true });
    expect(await settle(tenant, { reservationId: 'never-reserved/1', costUsd: 0.75 })).toMatchObject({ recorded: false });
    const reply = await put(tenant, 'agent', 'day', 1, 'lead-qualifier');
    expect(reply.budget).toMatchObject({ scope: 'agent', agent: 'lead-qualifier', period: 'day', limitUsd: 1, spentUsd: 0.75, reservedUsd: 0, updatedBy: admin.subject });
    expect(await reserve(tenant, { estimateUsd: 0.5 })).toMatchObject({ granted: false, refusedBy: { spentUsd: 0.75 } });
  });

  it('usage totals equal the sum of settled costs per agent, model and day, over [from, to)', async () => {
    const tenant = newTenant();
    const day1 = '2025-01-10T10:00:00Z';
    const day2 = '2025-01-11T23:59:59Z';
    const lines: Settle[] = [
      { agent: 'a1', provider: 'openai', model: 'gpt-4o', costUsd: 0.1, inputTokens: 10, outputTokens: 1, cachedInputTokens: 5, at: day1 },
      { agent: 'a1', provider: 'anthropic', model: 'claude', costUsd: 0.2, inputTokens: 20, outputTokens: 2, at: day2 },
      { agent: 'a2', provider: 'openai', model: 'gpt-4o', costUsd: 0.3, inputTokens: 30, outputTokens: 3, at: day2 },
      { agent: 'a2', provider: 'openai', model: 'gpt-4o', costUsd: 0.4, inputTokens: 40, outputTokens: 4, outcome: 'timeout', at: '2025-02-01T00:00:00Z' },
    ];
    // `at` more than 400 days old is refused; these are fine only while the test is younger than that: shift them to last month.
    const offset = Date.now() - new Date('2025-02-15T00:00:00Z').getTime();
    const shift = (iso: string) => new Date(new Date(iso).getTime() + offset).toISOString();
    for (const line of lines) await settle(tenant, { ...line, at: shift(line.at!) });
    const from = shift('2025-01-01T00:00:00Z');
    const to = shift('2025-02-01T00:00:00Z');
    const byAgent = await usage(tenant, 'agent', from, to);
    expect(byAgent.rows.map((r) => [r.key, r.calls, r.costUsd])).toEqual([
      ['a1', 2n, 0.3],
      ['a2', 1n, 0.3],
    ]);
    expect(byAgent.total).toMatchObject({ calls: 3n, inputTokens: 60n, outputTokens: 6n, cachedInputTokens: 5n });
    expect(byAgent.total!.costUsd).toBeCloseTo(0.6, 9);
    const byModel = await usage(tenant, 'model', from, to);
    expect(byModel.rows.map((r) => [r.key, r.calls])).toEqual([
      ['anthropic/claude', 1n],
      ['openai/gpt-4o', 2n],
    ]);
    const byDay = await usage(tenant, 'day', from, shift('2025-02-02T00:00:00Z'));
    expect(byDay.rows.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(byDay.total!.costUsd, 9);
    expect(byDay.total!.costUsd).toBeCloseTo(1.0, 9);
    expect(byDay.rows.map((r) => r.calls)).toEqual([1n, 2n, 1n]);
    expect((await usage(tenant, 'agent', from, to, 'a2')).total).toMatchObject({ calls: 1n, costUsd: 0.3 });
  });

  it("tenants are isolated: another tenant sees none of the budgets, counters or usage, and its spend does not count", async () => {
    const tenant = newTenant();
    const other = newTenant();
    await put(tenant, 'tenant', 'day', 1);
    await settle(tenant, { costUsd: 0.5 });
    expect(await list(other)).toEqual([]);
    expect((await usage(other, 'agent')).total).toMatchObject({ calls: 0n, costUsd: 0 });
    expect(await reserve(other, { estimateUsd: 50 })).toMatchObject({ granted: true });
    expect(await budgetOf(tenant, 'tenant', 'day')).toMatchObject({ spentUsd: 0.5, reservedUsd: 0 });
    expect(await rejection(client.bus.request('af.v1.budgets.delete', { scope: 'tenant', period: 'day', caller: admin }, { tenantId: other }))).toMatchObject({ code: ErrorCode.NotFound });
  });

  it('put and delete are audited; delete answers the budget as it stood', async () => {
    const tenant = newTenant();
    const lastAudit = async () => {
      const ns = processNamespace();
      const stored = await jsm.streams.getMessage(ns.streamName('AF_AUDIT'), { last_by_subj: ns.subject('af.v1.audit.record') });
      return fromBinary(AuditEventSchema, stored!.data);
    };
    await put(tenant, 'agent', 'month', 12.5, 'support-bot');
    expect(await lastAudit()).toMatchObject({ action: 'budget.set', actor: admin.subject, resourceType: 'budget', resourceId: 'agent/support-bot/month', service: 'metering' });
    const deleted = await client.bus.request('af.v1.budgets.delete', { scope: 'agent', agent: 'support-bot', period: 'month', caller: admin }, { tenantId: tenant });
    expect(deleted.budget).toMatchObject({ scope: 'agent', agent: 'support-bot', period: 'month', limitUsd: 12.5 });
    expect(await lastAudit()).toMatchObject({ action: 'budget.deleted', actor: admin.subject, resourceId: 'agent/support-bot/month' });
    expect(await list(tenant)).toEqual([]);
  });

  it('refuses invalid input with INVALID_ARGUMENT and the path at fault', async () => {
    const tenant = newTenant();
    const cases: [Promise<unknown>, string][] = [
      [put(tenant, 'tenant', 'day', -1), '/limitUsd'],
      [put(tenant, 'tenant', 'day', 2e9), '/limitUsd'],
      [put(tenant, 'tenant', 'week', 1), '/period'],
      [put(tenant, 'team', 'day', 1), '/scope'],
      [put(tenant, 'agent', 'day', 1, 'Not_An_Agent'), '/agent'],
      [put(tenant, 'agent', 'day', 1, ''), '/agent'],
      [put(tenant, 'tenant', 'day', 1, 'lead-qualifier'), '/agent'],
      [reserve(tenant, { estimateUsd: Number.NaN }), '/estimateUsd'],
      [reserve(tenant, { reservationId: '' }), '/reservationId'],
      [settle(tenant, { outcome: 'exploded' }), '/outcome'],
      [settle(tenant, { costUsd: -0.01 }), '/costUsd'],
      [settle(tenant, { at: 'yesterday' }), '/at'],
      [usage(tenant, 'day', '2024-01-01', '2025-06-01'), '/to'],
      [usage(tenant, 'week'), '/groupBy'],
    ];
    for (const [promise, path] of cases) expect({ path, error: await rejection(promise).catch((e: unknown) => e) }).toMatchObject({ path, error: { code: ErrorCode.InvalidArgument, path } });
    const anonymous = client.bus.request('af.v1.budgets.put', { scope: 'tenant', period: 'day', limitUsd: 1 }, { tenantId: tenant });
    expect(await rejection(anonymous)).toMatchObject({ code: ErrorCode.Unauthenticated, path: '/caller' });
    expect(await list(tenant)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { meteringDataSource } from '../persistence/data-source.js';
import { MeteringRepository } from './metering.repository.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const USD = 1_000_000_000n;

describe('metering: row-level security, privileges and lock order, as the service role (real PostgreSQL)', () => {
  const schema = uniqueName('metering_test');
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  let asService: DataSource;
  let sut: MeteringRepository;
  const reservation = (reservationId: string, agent: string, estimate: bigint, ttlMs = 600_000) => ({
    reservationId, runId: 'r', agent, provider: 'openai', model: 'gpt-4o', estimate, ttlMs, now: new Date(),
  });
  const settlement = (reservationId: string, agent: string, cost: bigint) => ({
    reservationId, runId: 'r', agent, provider: 'openai', model: 'gpt-4o', outcome: 'ok', inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cost, at: new Date(),
  });

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the service boots with.
    asService = await openDataSource(meteringDataSource(url, schema, 10));
    sut = new MeteringRepository(asService);
    for (const tenantId of [tenant, other]) {
      await sut.putBudget(tenantId, { scope: 'tenant', agent: '', period: 'day', limit: 100n * USD, updatedBy: 'admin' }, new Date(), 10);
      await sut.reserve(tenantId, reservation('r/1', 'lead-qualifier', USD));
      await sut.settle(tenantId, settlement('r/1', 'lead-qualifier', USD / 2n));
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it.each(['budgets', 'spend_counters', 'reservations', 'usage_lines'])("%s: a tenant transaction sees only its tenant's rows; outside a scope none", async (table) => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: tenant }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM ${table}`))).toEqual([{ n: 2 }]);
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE ${table} SET tenant_id = $1 WHERE tenant_id = $2`, [other, tenant]))).rejects.toThrow(/row-level security|permission denied/);
  });

  it('the usage ledger is append-only for the service role; reservations and counters are never deleted', async () => {
    await expect(withTenant(asService, tenant, (m) => m.query(`UPDATE usage_lines SET cost_usd = 0`))).rejects.toThrow(/permission denied/);
    await expect(withTenant(asService, tenant, (m) => m.query(`DELETE FROM usage_lines`))).rejects.toThrow(/permission denied/);
    await expect(withTenant(asService, tenant, (m) => m.query(`DELETE FROM reservations`))).rejects.toThrow(/permission denied/);
    await expect(withTenant(asService, tenant, (m) => m.query(`DELETE FROM spend_counters`))).rejects.toThrow(/permission denied/);
  });

  it('reserves, settles and sweeps of many agents at once neither deadlock nor lose a cent', async () => {
    const tenantId = parseTenantId(testTenant());
    const agents = ['a', 'b', 'c'];
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const agent = agents[i % 3]!;
      // Every third reservation expires at once (the sweeper releases it), the others are settled.
      const expires = i % 3 === 0;
      ops.push(
        sut.reserve(tenantId, reservation(`x/${i}`, agent, 2n * USD, expires ? 1 : 600_000)).then(async () => {
          if (!expires) await sut.settle(tenantId, settlement(`x/${i}`, agent, USD));
        }),
      );
      if (i % 10 === 0) ops.push(sut.sweepExpired(50));
    }
    await Promise.all(ops);
    await new Promise((resolve) => setTimeout(resolve, 20));
    while ((await sut.sweepExpired(50)) > 0);
    const counters: { scope: string; agent: string; spent: string; reserved: string }[] = await withTenant(asService, tenantId, (m) =>
      m.query(`SELECT scope, agent, period, spent_usd::text AS spent, reserved_usd::text AS reserved FROM spend_counters WHERE tenant_id = $1 ORDER BY scope, agent, period`, [tenantId]),
    );
    expect(counters).toHaveLength(8);
    for (const c of counters) {
      expect(c.reserved).toBe('0.000000000');
      expect(c.spent).toBe(c.scope === 'tenant' ? '40.000000000' : `${[...Array(60).keys()].filter((i) => i % 3 !== 0 && agents[i % 3] === c.agent).length}.000000000`);
    }
    const statuses: { status: string; n: number }[] = await withTenant(asService, tenantId, (m) =>
      m.query(`SELECT status, count(*)::int AS n FROM reservations WHERE tenant_id = $1 GROUP BY status ORDER BY status`, [tenantId]),
    );
    expect(statuses).toEqual([
      { status: 'expired', n: 20 },
      { status: 'settled', n: 40 },
    ]);
  });
});

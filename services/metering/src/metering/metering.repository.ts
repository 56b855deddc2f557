import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import {
  compareCounterKeys,
  counterKeyId,
  countersFor,
  dayOf,
  firstExceeded,
  fromNanos,
  monthOf,
  toNanos,
  type BudgetStanding,
  type CounterKey,
  type Period,
  type Scope,
} from './ledger-math.js';

export interface NewReservation {
  reservationId: string;
  runId: string;
  agent: string;
  provider: string;
  model: string;
  estimate: bigint;
  ttlMs: number;
  now: Date;
}

export interface ReservationAnswer {
  granted: boolean;
  refusedBy: BudgetStanding | null;
  estimate: bigint;
  expiresInMs: number;
  /** False when this answer is the first one repeated (same reservation id). */
  created: boolean;
}

export interface Settlement {
  reservationId: string;
  runId: string;
  agent: string;
  provider: string;
  model: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cost: bigint;
  at: Date;
}

/** What a settle found: the reservation's status before it (null: none), and whether the usage line is new. */
export interface SettleResult {
  recorded: boolean;
  previousStatus: ReservationStatus | null;
}

export type ReservationStatus = 'open' | 'settled' | 'expired' | 'refused';

export interface BudgetRow extends BudgetStanding {
  updatedAt: Date;
  updatedBy: string;
}

export interface UsageQuery {
  groupBy: 'agent' | 'model' | 'day';
  from: Date;
  to: Date;
  agent: string;
}

export interface UsageSum {
  key: string;
  calls: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
  cachedInputTokens: bigint;
  cost: bigint;
}

interface RawStoredRefusal {
  scope: Scope;
  agent: string;
  period: Period;
  limitUsd: string;
  spentUsd: string;
  reservedUsd: string;
  periodStart: string;
}

interface RawBudget {
  scope: Scope;
  agent: string;
  period: Period;
  limit_usd: string;
  spent_usd: string;
  reserved_usd: string;
  updated_at: Date;
  updated_by: string;
}

interface RawUsage {
  key: string;
  calls: string;
  input_tokens: string;
  output_tokens: string;
  cached_input_tokens: string;
  cost_usd: string;
}

const GROUP_KEY: Record<UsageQuery['groupBy'], string> = {
  agent: 'agent',
  model: `provider || '/' || model`,
  day: `to_char(day, 'YYYY-MM-DD')`,
};

/**
 * Budgets, spend counters, reservations and the usage ledger: the only place with SQL. Every
 * tenant-facing query runs in its tenant's transaction (row-level security) and filters on the
 * tenant too; the expiry sweep runs in the system scope.
 *
 * Lock order, everywhere: a reservation row first (settle, sweep), then spend counters in
 * (tenant, scope, agent, period, period start) order — inserted-if-missing in that order, then
 * locked FOR UPDATE in that order — so concurrent reserves, settles and sweeps never deadlock.
 */
@Injectable()
export class MeteringRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * One transaction: lock the call's four counters (every reserve of the tenant serializes on
   * them), answer a known reservation id as first answered, else check every budget that applies
   * (spent + reserved + estimate ≤ limit) and either add the estimate to all four counters'
   * reserved and open the reservation, or record the refusal with the first budget exceeded.
   */
  reserve(tenantId: TenantId, input: NewReservation): Promise<ReservationAnswer> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const keys = countersFor(input.agent, input.now);
      const counters = await lockCounters(m, tenantId, keys);
      const [existing] = (await m.query(
        `SELECT status, refused_by, estimate_usd::text AS estimate_usd, (extract(epoch FROM expires_at - created_at) * 1000)::bigint::text AS ttl_ms
           FROM reservations WHERE tenant_id = $1 AND reservation_id = $2`,
        [tenantId, input.reservationId],
      )) as { status: ReservationStatus; refused_by: RawStoredRefusal | null; estimate_usd: string; ttl_ms: string }[];
      if (existing) {
        return {
          granted: existing.status !== 'refused',
          refusedBy: existing.refused_by ? fromStoredRefusal(existing.refused_by) : null,
          estimate: toNanos(existing.estimate_usd),
          expiresInMs: Number(existing.ttl_ms),
          created: false,
        };
      }
      const budgets = (await m.query(
        `SELECT scope, agent, period, limit_usd::text AS limit_usd FROM budgets
          WHERE tenant_id = $1 AND (scope = 'tenant' OR (scope = 'agent' AND agent = $2))`,
        [tenantId, input.agent],
      )) as { scope: Scope; agent: string; period: Period; limit_usd: string }[];
      const standings: BudgetStanding[] = budgets.map((b) => {
        const key = keys.find((k) => k.scope === b.scope && k.period === b.period)!;
        const counter = counters.get(counterKeyId(key))!;
        return { scope: b.scope, agent: b.agent, period: b.period, limit: toNanos(b.limit_usd), spent: counter.spent, reserved: counter.reserved, periodStart: key.periodStart };
      });
      const refusedBy = firstExceeded(standings, input.estimate);
      if (!refusedBy) await addToCounters(m, tenantId, keys.map((key) => ({ key, spent: 0n, reserved: input.estimate })));
      await m.query(
        `INSERT INTO reservations (tenant_id, reservation_id, run_id, agent, provider, model, estimate_usd, status, refused_by, day_start, month_start, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9::jsonb, $10::date, $11::date, clock_timestamp() + ($12::bigint * interval '1 millisecond'))`,
        [
          tenantId, input.reservationId, input.runId, input.agent, input.provider, input.model, fromNanos(input.estimate), refusedBy ? 'refused' : 'open',
          refusedBy ? JSON.stringify(toStoredRefusal(refusedBy)) : null, dayOf(input.now), monthOf(input.now), input.ttlMs,
        ],
      );
      return { granted: !refusedBy, refusedBy, estimate: input.estimate, expiresInMs: input.ttlMs, created: true };
    });
  }

  /**
   * Records the usage line once per reservation id (a second settle changes nothing) and moves
   * the counters: an open reservation's estimate leaves reserved and its cost enters spent, in the
   * periods it was reserved in; an expired (or refused) one adds its cost only; an unknown one
   * adds its cost to the periods of the call's time.
   */
  settle(tenantId: TenantId, input: Settlement): Promise<SettleResult> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [reservation] = (await m.query(
        `SELECT status, agent, estimate_usd::text AS estimate_usd, to_char(day_start, 'YYYY-MM-DD') AS day_start, to_char(month_start, 'YYYY-MM-DD') AS month_start
           FROM reservations WHERE tenant_id = $1 AND reservation_id = $2 FOR UPDATE`,
        [tenantId, input.reservationId],
      )) as { status: ReservationStatus; agent: string; estimate_usd: string; day_start: string; month_start: string }[];
      const inserted = (await m.query(
        `INSERT INTO usage_lines (tenant_id, reservation_id, run_id, agent, provider, model, outcome, input_tokens, output_tokens, cached_input_tokens, cost_usd, at, day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric, $12, $13::date)
         ON CONFLICT (tenant_id, reservation_id) DO NOTHING RETURNING 1`,
        [
          tenantId, input.reservationId, input.runId, input.agent || reservation?.agent || '', input.provider, input.model, input.outcome, input.inputTokens, input.outputTokens,
          input.cachedInputTokens, fromNanos(input.cost), input.at, dayOf(input.at),
        ],
      )) as unknown[];
      if (inserted.length === 0) return { recorded: false, previousStatus: reservation?.status ?? null };
      let keys: CounterKey[];
      let released = 0n;
      if (reservation) {
        keys = [
          { scope: 'agent' as const, agent: reservation.agent, period: 'day' as const, periodStart: reservation.day_start },
          { scope: 'agent' as const, agent: reservation.agent, period: 'month' as const, periodStart: reservation.month_start },
          { scope: 'tenant' as const, agent: '', period: 'day' as const, periodStart: reservation.day_start },
          { scope: 'tenant' as const, agent: '', period: 'month' as const, periodStart: reservation.month_start },
        ].sort(compareCounterKeys);
        if (reservation.status === 'open') released = toNanos(reservation.estimate_usd);
        await m.query(
          `UPDATE reservations SET settled_at = clock_timestamp(), status = CASE WHEN status = 'open' THEN 'settled' ELSE status END WHERE tenant_id = $1 AND reservation_id = $2`,
          [tenantId, input.reservationId],
        );
      } else {
        keys = countersFor(input.agent, input.at);
      }
      await lockCounters(m, tenantId, keys);
      await addToCounters(m, tenantId, keys.map((key) => ({ key, spent: input.cost, reserved: -released })));
      return { recorded: true, previousStatus: reservation?.status ?? null };
    });
  }

  /**
   * Releases open reservations past their expiry, across tenants by design (a worker killed
   * mid-call never settles): rows locked with SKIP LOCKED (instances sweep side by side, a
   * settle in progress keeps its row), their estimates taken out of their counters' reserved.
   */
  sweepExpired(limit: number): Promise<number> {
    return withSystemScope(this.dataSource, 'metering: expired reservations sweep', async (m) => {
      const due = (await m.query(
        `SELECT tenant_id, reservation_id, agent, estimate_usd::text AS estimate_usd, to_char(day_start, 'YYYY-MM-DD') AS day_start, to_char(month_start, 'YYYY-MM-DD') AS month_start
           FROM reservations WHERE status = 'open' AND expires_at <= clock_timestamp() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      )) as { tenant_id: string; reservation_id: string; agent: string; estimate_usd: string; day_start: string; month_start: string }[];
      if (due.length === 0) return 0;
      await m.query(`UPDATE reservations SET status = 'expired' FROM unnest($1::text[], $2::text[]) AS d(tenant_id, reservation_id) WHERE reservations.tenant_id = d.tenant_id AND reservations.reservation_id = d.reservation_id`, [
        due.map((d) => d.tenant_id),
        due.map((d) => d.reservation_id),
      ]);
      const releases = new Map<string, { tenantId: string; key: CounterKey; amount: bigint }>();
      for (const d of due) {
        const estimate = toNanos(d.estimate_usd);
        for (const key of [
          { scope: 'agent' as const, agent: d.agent, period: 'day' as const, periodStart: d.day_start },
          { scope: 'agent' as const, agent: d.agent, period: 'month' as const, periodStart: d.month_start },
          { scope: 'tenant' as const, agent: '', period: 'day' as const, periodStart: d.day_start },
          { scope: 'tenant' as const, agent: '', period: 'month' as const, periodStart: d.month_start },
        ]) {
          const id = `${d.tenant_id}|${counterKeyId(key)}`;
          const entry = releases.get(id) ?? { tenantId: d.tenant_id, key, amount: 0n };
          entry.amount += estimate;
          releases.set(id, entry);
        }
      }
      const all = [...releases.values()];
      // The counters exist (the reservation created them); locked in the one global order.
      await m.query(
        `SELECT 1 FROM spend_counters c
           WHERE (c.tenant_id, c.scope, c.agent, c.period, c.period_start) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[]))
           ORDER BY c.tenant_id, c.scope, c.agent, c.period, c.period_start FOR UPDATE`,
        [all.map((r) => r.tenantId), all.map((r) => r.key.scope), all.map((r) => r.key.agent), all.map((r) => r.key.period), all.map((r) => r.key.periodStart)],
      );
      await m.query(
        `UPDATE spend_counters c SET reserved_usd = c.reserved_usd - r.amount
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::numeric[]) AS r(tenant_id, scope, agent, period, period_start, amount)
          WHERE c.tenant_id = r.tenant_id AND c.scope = r.scope AND c.agent = r.agent AND c.period = r.period AND c.period_start = r.period_start`,
        [all.map((r) => r.tenantId), all.map((r) => r.key.scope), all.map((r) => r.key.agent), all.map((r) => r.key.period), all.map((r) => r.key.periodStart), all.map((r) => fromNanos(r.amount))],
      );
      return due.length;
    });
  }

  /** Creates or changes a budget; returns it with its current period's standing. */
  putBudget(tenantId: TenantId, budget: { scope: Scope; agent: string; period: Period; limit: bigint; updatedBy: string }, now: Date, maxBudgets: number): Promise<BudgetRow | 'too-many'> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      // Serializes concurrent creations of the tenant's budgets, so the count bound holds.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('metering.budgets:' || $1))`, [tenantId]);
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM budgets WHERE tenant_id = $1 AND NOT (scope = $2 AND agent = $3 AND period = $4)`, [
        tenantId, budget.scope, budget.agent, budget.period,
      ])) as [{ n: number }];
      if (n >= maxBudgets) return 'too-many';
      await m.query(
        `INSERT INTO budgets (tenant_id, scope, agent, period, limit_usd, updated_by) VALUES ($1, $2, $3, $4, $5::numeric, $6)
         ON CONFLICT (tenant_id, scope, agent, period) DO UPDATE SET limit_usd = EXCLUDED.limit_usd, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()`,
        [tenantId, budget.scope, budget.agent, budget.period, fromNanos(budget.limit), budget.updatedBy],
      );
      return (await readBudgets(m, tenantId, now, { scope: budget.scope, agent: budget.agent, period: budget.period }))[0]!;
    });
  }

  /** Deletes a budget; returns it as it stood, null when there was none. */
  deleteBudget(tenantId: TenantId, budget: { scope: Scope; agent: string; period: Period }, now: Date): Promise<BudgetRow | null> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [row] = await readBudgets(m, tenantId, now, budget);
      if (!row) return null;
      await m.query(`DELETE FROM budgets WHERE tenant_id = $1 AND scope = $2 AND agent = $3 AND period = $4`, [tenantId, budget.scope, budget.agent, budget.period]);
      return row;
    });
  }

  /** The tenant's budgets (only the tenant's and `agent`'s when given) with their current standings. */
  listBudgets(tenantId: TenantId, agent: string, now: Date): Promise<BudgetRow[]> {
    return withTenant(this.dataSource, tenantId, (m) => readBudgets(m, tenantId, now, agent ? { agent } : {}), { readOnly: true });
  }

  /** Usage lines with `at` in [from, to), summed per group; the last element is the total (key ''). */
  queryUsage(tenantId: TenantId, query: UsageQuery): Promise<{ rows: UsageSum[]; total: UsageSum }> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => {
        const params: unknown[] = [tenantId, query.from, query.to];
        const agentFilter = query.agent ? ` AND agent = $${params.push(query.agent)}` : '';
        const sums = `count(*)::text AS calls, coalesce(sum(input_tokens), 0)::text AS input_tokens, coalesce(sum(output_tokens), 0)::text AS output_tokens,
                      coalesce(sum(cached_input_tokens), 0)::text AS cached_input_tokens, coalesce(sum(cost_usd), 0)::text AS cost_usd`;
        const where = `tenant_id = $1 AND at >= $2 AND at < $3${agentFilter}`;
        const rows = (await m.query(`SELECT ${GROUP_KEY[query.groupBy]} AS key, ${sums} FROM usage_lines WHERE ${where} GROUP BY 1 ORDER BY 1`, params)) as RawUsage[];
        const [total] = (await m.query(`SELECT '' AS key, ${sums} FROM usage_lines WHERE ${where}`, params)) as RawUsage[];
        return { rows: rows.map(fromRawUsage), total: fromRawUsage(total!) };
      },
      { readOnly: true, isolation: 'REPEATABLE READ' },
    );
  }
}

/** Inserts the missing counters (in key order), then locks all of them FOR UPDATE in key order; returns their amounts. */
async function lockCounters(m: EntityManager, tenantId: string, keys: readonly CounterKey[]): Promise<Map<string, { spent: bigint; reserved: bigint }>> {
  const sorted = [...keys].sort(compareCounterKeys);
  const columns = [sorted.map((k) => k.scope), sorted.map((k) => k.agent), sorted.map((k) => k.period), sorted.map((k) => k.periodStart)];
  await m.query(
    `INSERT INTO spend_counters (tenant_id, scope, agent, period, period_start)
     SELECT $1, k.scope, k.agent, k.period, k.period_start FROM unnest($2::text[], $3::text[], $4::text[], $5::date[]) WITH ORDINALITY AS k(scope, agent, period, period_start, n)
     ORDER BY k.n ON CONFLICT DO NOTHING`,
    [tenantId, ...columns],
  );
  const rows = (await m.query(
    `SELECT c.scope, c.agent, c.period, to_char(c.period_start, 'YYYY-MM-DD') AS period_start, c.spent_usd::text AS spent_usd, c.reserved_usd::text AS reserved_usd
       FROM spend_counters c
      WHERE c.tenant_id = $1 AND (c.scope, c.agent, c.period, c.period_start) IN (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[]))
      ORDER BY c.tenant_id, c.scope, c.agent, c.period, c.period_start FOR UPDATE`,
    [tenantId, ...columns],
  )) as { scope: Scope; agent: string; period: Period; period_start: string; spent_usd: string; reserved_usd: string }[];
  return new Map(rows.map((r) => [counterKeyId({ scope: r.scope, agent: r.agent, period: r.period, periodStart: r.period_start }), { spent: toNanos(r.spent_usd), reserved: toNanos(r.reserved_usd) }]));
}

/** Adds the deltas to counters this transaction has locked. */
async function addToCounters(m: EntityManager, tenantId: string, deltas: readonly { key: CounterKey; spent: bigint; reserved: bigint }[]): Promise<void> {
  await m.query(
    `UPDATE spend_counters c SET spent_usd = c.spent_usd + d.spent, reserved_usd = c.reserved_usd + d.reserved
       FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::numeric[], $7::numeric[]) AS d(scope, agent, period, period_start, spent, reserved)
      WHERE c.tenant_id = $1 AND c.scope = d.scope AND c.agent = d.agent AND c.period = d.period AND c.period_start = d.period_start`,
    [
      tenantId, deltas.map((d) => d.key.scope), deltas.map((d) => d.key.agent), deltas.map((d) => d.key.period), deltas.map((d) => d.key.periodStart),
      deltas.map((d) => fromNanos(d.spent)), deltas.map((d) => fromNanos(d.reserved)),
    ],
  );
}

async function readBudgets(m: EntityManager, tenantId: string, now: Date, filter: { scope?: Scope; agent?: string; period?: Period }): Promise<BudgetRow[]> {
  const params: unknown[] = [tenantId, dayOf(now), monthOf(now)];
  const where = ['b.tenant_id = $1'];
  if (filter.scope) where.push(`b.scope = $${params.push(filter.scope)}`);
  if (filter.period) where.push(`b.period = $${params.push(filter.period)}`);
  if (filter.agent !== undefined) where.push(filter.scope ? `b.agent = $${params.push(filter.agent)}` : `(b.scope = 'tenant' OR b.agent = $${params.push(filter.agent)})`);
  const rows = (await m.query(
    `SELECT b.scope, b.agent, b.period, b.limit_usd::text AS limit_usd, coalesce(c.spent_usd, 0)::text AS spent_usd, coalesce(c.reserved_usd, 0)::text AS reserved_usd,
            b.updated_at, b.updated_by
       FROM budgets b
       LEFT JOIN spend_counters c ON c.tenant_id = b.tenant_id AND c.scope = b.scope AND c.agent = b.agent AND c.period = b.period
                                 AND c.period_start = CASE b.period WHEN 'day' THEN $2::date ELSE $3::date END
      WHERE ${where.join(' AND ')}
      ORDER BY b.scope DESC, b.agent, b.period`,
    params,
  )) as RawBudget[];
  return rows.map((r) => ({
    scope: r.scope,
    agent: r.agent,
    period: r.period,
    limit: toNanos(r.limit_usd),
    spent: toNanos(r.spent_usd),
    reserved: toNanos(r.reserved_usd),
    periodStart: r.period === 'day' ? dayOf(now) : monthOf(now),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

function toStoredRefusal(b: BudgetStanding): RawStoredRefusal {
  return { scope: b.scope, agent: b.agent, period: b.period, limitUsd: fromNanos(b.limit), spentUsd: fromNanos(b.spent), reservedUsd: fromNanos(b.reserved), periodStart: b.periodStart };
}

function fromStoredRefusal(r: RawStoredRefusal): BudgetStanding {
  return { scope: r.scope, agent: r.agent, period: r.period, limit: toNanos(r.limitUsd), spent: toNanos(r.spentUsd), reserved: toNanos(r.reservedUsd), periodStart: r.periodStart };
}

function fromRawUsage(r: RawUsage): UsageSum {
  return {
    key: r.key,
    calls: BigInt(r.calls),
    inputTokens: BigInt(r.input_tokens),
    outputTokens: BigInt(r.output_tokens),
    cachedInputTokens: BigInt(r.cached_input_tokens),
    cost: toNanos(r.cost_usd),
  };
}

import { AppError } from '@af/errors';

/**
 * Pure money and period math of the metering service. Amounts are NUMERIC in PostgreSQL and
 * exact integers of nano-USD (bigint) here: doubles only at the edge (the proto), so sums and
 * limit checks never round. Periods are UTC days and UTC calendar months.
 */

export type Scope = 'tenant' | 'agent';
export type Period = 'day' | 'month';
export const SCOPES: readonly Scope[] = ['tenant', 'agent'];
export const PERIODS: readonly Period[] = ['day', 'month'];

/** Nine decimals: the NUMERIC scale of every money column. */
export const MONEY_SCALE = 9;
const NANOS = 10n ** BigInt(MONEY_SCALE);
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A budget's limit may be at most this (USD). */
export const MAX_LIMIT_USD = 1e9;
/** One call's estimate or cost may be at most this (USD): far above any real call, below overflow. */
export const MAX_CALL_USD = 1e6;

/** A decimal string (PostgreSQL NUMERIC text, or a double's fixed form) → nano-USD; digits past the 9th are truncated. */
export function toNanos(decimal: string): bigint {
  const m = DECIMAL.exec(decimal.trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(decimal)}`);
  const fraction = (m[3] ?? '').padEnd(MONEY_SCALE, '0').slice(0, MONEY_SCALE);
  const value = BigInt(m[2]!) * NANOS + BigInt(fraction);
  return m[1] ? -value : value;
}

/** Nano-USD → the decimal text PostgreSQL takes for NUMERIC (exact). */
export function fromNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  return `${negative ? '-' : ''}${abs / NANOS}.${(abs % NANOS).toString().padStart(MONEY_SCALE, '0')}`;
}

/** Nano-USD → USD as the proto's double (the edge). */
export function nanosToUsd(nanos: bigint): number {
  return Number(fromNanos(nanos));
}

/** A USD double from a request → nano-USD; refused (INVALID_ARGUMENT at `path`) unless finite and within [0, max]. */
export function usdToNanos(usd: number, path: string, max: number): bigint {
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0 || usd > max) throw AppError.invalid(`must be a finite amount from 0 to ${max} USD`, path);
  return toNanos(usd.toFixed(MONEY_SCALE));
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The first day of the instant's UTC month, `YYYY-MM-DD`. */
export function monthOf(at: Date): string {
  return `${at.toISOString().slice(0, 7)}-01`;
}

/** Start of the period containing `at` (a DATE, `YYYY-MM-DD`). */
export function periodStartOf(period: Period, at: Date): string {
  return period === 'day' ? dayOf(at) : monthOf(at);
}

/** A period start (`YYYY-MM-DD`) as RFC 3339 UTC. */
export function periodStartRfc3339(date: string): string {
  return `${date}T00:00:00.000Z`;
}

/** The first instant of the UTC month after `at`'s. */
export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** The first instant of `at`'s UTC month. */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** One spend counter: a (scope, agent, period, period start) of a tenant. */
export interface CounterKey {
  scope: Scope;
  /** '' for the tenant scope. */
  agent: string;
  period: Period;
  /** `YYYY-MM-DD`. */
  periodStart: string;
}

/**
 * The four counters a model call of `agent` at `at` counts in — the agent's and the tenant's,
 * day and month — in the ONE order every transaction locks counters in (scope, agent, period,
 * period start: the primary key's order), so two transactions never wait on each other in a cycle.
 */
export function countersFor(agent: string, at: Date): CounterKey[] {
  const keys: CounterKey[] = [];
  for (const scope of SCOPES) for (const period of PERIODS) keys.push({ scope, agent: scope === 'agent' ? agent : '', period, periodStart: periodStartOf(period, at) });
  return keys.sort(compareCounterKeys);
}

export function compareCounterKeys(a: CounterKey, b: CounterKey): number {
  return cmp(a.scope, b.scope) || cmp(a.agent, b.agent) || cmp(a.period, b.period) || cmp(a.periodStart, b.periodStart);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function counterKeyId(k: CounterKey): string {
  return `${k.scope}|${k.agent}|${k.period}|${k.periodStart}`;
}

/** A budget with the counter of its current period (what a reservation is checked against). */
export interface BudgetStanding {
  scope: Scope;
  agent: string;
  period: Period;
  limit: bigint;
  spent: bigint;
  reserved: bigint;
  periodStart: string;
}

/** The order budgets are checked in, and so the one a refusal names: the narrowest first (agent before tenant, day before month). */
const CHECK_ORDER: readonly string[] = ['agent|day', 'agent|month', 'tenant|day', 'tenant|month'];

/** The first budget that `estimate` on top of its spent and reserved would exceed (spent + reserved + estimate > limit), or null when all hold. */
export function firstExceeded(budgets: readonly BudgetStanding[], estimate: bigint): BudgetStanding | null {
  const ordered = [...budgets].sort((a, b) => CHECK_ORDER.indexOf(`${a.scope}|${a.period}`) - CHECK_ORDER.indexOf(`${b.scope}|${b.period}`));
  return ordered.find((b) => b.spent + b.reserved + estimate > b.limit) ?? null;
}

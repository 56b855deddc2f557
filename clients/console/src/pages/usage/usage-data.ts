import type { paths } from '@af/api-client';

export type UsageQuery = NonNullable<paths['/v1/usage']['get']['parameters']['query']>;
export type UsageAnswer = paths['/v1/usage']['get']['responses']['200']['content']['application/json'];
export type UsageRow = UsageAnswer['rows'][number];
export type GroupBy = UsageAnswer['groupBy'];

/** A range of whole UTC days as the date inputs show it: both ends inclusive, YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The gateway's own default: this UTC month so far (the first of the month to today). */
export function defaultRange(now: Date = new Date()): DayRange {
  return { from: `${now.toISOString().slice(0, 7)}-01`, to: isoDay(now.getTime()) };
}

/**
 * The query for a range: `to` is exclusive in the API, so the day after the last one shown.
 * An error (with the field at fault) instead when the range is not a pair of dates in order.
 */
export function rangeQuery(range: DayRange): { query: { from: string; to: string } } | { error: { path: 'from' | 'to'; message: string } } {
  if (!DAY.test(range.from) || Number.isNaN(dayMs(range.from))) return { error: { path: 'from', message: 'Enter the first day as a date' } };
  if (!DAY.test(range.to) || Number.isNaN(dayMs(range.to))) return { error: { path: 'to', message: 'Enter the last day as a date' } };
  if (dayMs(range.to) < dayMs(range.from)) return { error: { path: 'to', message: 'The last day comes before the first' } };
  return { query: { from: range.from, to: isoDay(dayMs(range.to) + DAY_MS) } };
}

/** One bar or point of a chart: the group's key, its cost and its tokens (input + output; cached input is part of input). */
export interface ChartPoint {
  key: string;
  costUsd: number;
  tokens: number;
  calls: number;
}

const point = (r: UsageRow): ChartPoint => ({ key: r.key, costUsd: r.costUsd, tokens: r.inputTokens + r.outputTokens, calls: r.calls });

/**
 * The points of a chart: by day, one per day of the range (days without calls at zero, so the time
 * axis is even); by agent or model, the groups with the costliest first.
 */
export function chartPoints(groupBy: GroupBy, rows: readonly UsageRow[], range?: DayRange): ChartPoint[] {
  if (groupBy !== 'day') return rows.map(point).sort((a, b) => b.costUsd - a.costUsd || b.tokens - a.tokens || a.key.localeCompare(b.key));
  const byDay = new Map(rows.map((r) => [r.key, point(r)]));
  if (!range || !DAY.test(range.from) || !DAY.test(range.to) || dayMs(range.to) < dayMs(range.from) || (dayMs(range.to) - dayMs(range.from)) / DAY_MS > 366) {
    return [...byDay.values()].sort((a, b) => a.key.localeCompare(b.key));
  }
  const out: ChartPoint[] = [];
  for (let t = dayMs(range.from); t <= dayMs(range.to); t += DAY_MS) {
    const day = isoDay(t);
    out.push(byDay.get(day) ?? { key: day, costUsd: 0, tokens: 0, calls: 0 });
  }
  return out;
}

export function formatUsd(value: number): string {
  return value.toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: value !== 0 && Math.abs(value) < 1 ? 4 : 2 });
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

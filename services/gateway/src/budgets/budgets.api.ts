import { Injectable } from '@nestjs/common';
import type { Budget, QueryUsageReply, UsageRow } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { agentName, isPlainObject } from '../http/input.js';

export const BUDGET_PERIODS = ['day', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const USAGE_GROUPS = ['agent', 'model', 'day'] as const;
/** The query parameters of GET /v1/usage; anything else is refused (a typo must not widen the sum silently). */
export const USAGE_QUERY = ['groupBy', 'from', 'to', 'agent'] as const;
export type UsageQuery = Partial<Record<(typeof USAGE_QUERY)[number], unknown>>;

/** Highest limit a budget may have (USD): bounds the input, far above any real month. */
export const MAX_LIMIT_USD = 1_000_000_000;
/** A date (YYYY-MM-DD, UTC) or an RFC 3339 time with a zone. */
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** The metering service's request fields → what the HTTP caller sent. */
const USAGE_PATHS: Record<string, string> = { '/groupBy': '/query/groupBy', '/from': '/query/from', '/to': '/query/to', '/agent': '/query/agent' };

function queryString(query: UsageQuery, name: (typeof USAGE_QUERY)[number], maxLength: number): string {
  const value = query[name];
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > maxLength) throw AppError.invalid(`${name} must be given once, as a string of at most ${maxLength} characters`, `/query/${name}`);
  return value;
}

function usageTime(query: UsageQuery, name: 'from' | 'to'): string {
  const value = queryString(query, name, 40);
  if (value !== '' && (!DATE_OR_TIME.test(value) || Number.isNaN(new Date(value).getTime()))) {
    throw AppError.invalid(`${name} must be a date (2026-11-01) or an RFC 3339 time with a zone (2026-11-01T00:00:00Z)`, `/query/${name}`);
  }
  return value;
}

export function parseUsageQuery(query: UsageQuery) {
  for (const name of Object.keys(query)) {
    if (!(USAGE_QUERY as readonly string[]).includes(name)) throw AppError.invalid(`unknown query parameter "${name}": this route accepts ${USAGE_QUERY.join(', ')}`, `/query/${name}`);
  }
  const groupBy = queryString(query, 'groupBy', 16) || 'agent';
  if (!(USAGE_GROUPS as readonly string[]).includes(groupBy)) throw AppError.invalid(`groupBy must be one of ${USAGE_GROUPS.join(', ')}`, '/query/groupBy');
  const agent = queryString(query, 'agent', 63);
  const request = { groupBy, from: usageTime(query, 'from'), to: usageTime(query, 'to'), agent: agent === '' ? '' : agentName(agent, '/query/agent') };
  if (request.from && request.to && new Date(request.from).getTime() >= new Date(request.to).getTime()) throw AppError.invalid('from must be before to', '/query/from');
  return request;
}

export function budgetPeriod(value: string): BudgetPeriod {
  if (!(BUDGET_PERIODS as readonly string[]).includes(value)) throw AppError.invalid(`period must be one of ${BUDGET_PERIODS.join(', ')}`, '/period');
  return value as BudgetPeriod;
}

/** `{limitUsd}`: a finite number from 0 (nothing may be spent) to MAX_LIMIT_USD. Unknown fields are refused by the route's AllowedFields. */
export function parseBudgetBody(body: unknown): number {
  if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"limitUsd": 25}', '');
  const limit = body['limitUsd'];
  if (limit === undefined) throw AppError.invalid('limitUsd is required', '/limitUsd');
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0 || limit > MAX_LIMIT_USD) throw AppError.invalid(`limitUsd must be a number from 0 to ${MAX_LIMIT_USD}`, '/limitUsd');
  return limit;
}

/** The metering service names its request fields; the HTTP caller sent path segments, a body and query parameters. */
function renamedPath(error: unknown, paths: Record<string, string>): unknown {
  if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path !== undefined && paths[error.path]) {
    return new AppError(error.code, error.message, { path: paths[error.path], details: error.details, cause: error });
  }
  return error;
}

/** A budget as the HTTP API shows it (README "Budgets and usage"). */
export function budgetView(b: Budget | undefined) {
  if (!b) return null;
  return {
    scope: b.scope,
    agent: b.agent || null,
    period: b.period,
    limitUsd: b.limitUsd,
    spentUsd: b.spentUsd,
    reservedUsd: b.reservedUsd,
    periodStart: b.periodStart,
    updatedAt: b.updatedAt || null,
    updatedBy: b.updatedBy || null,
  };
}

const usageRowView = (r: UsageRow | undefined) => ({
  key: r?.key ?? '',
  calls: Number(r?.calls ?? 0n),
  inputTokens: Number(r?.inputTokens ?? 0n),
  outputTokens: Number(r?.outputTokens ?? 0n),
  cachedInputTokens: Number(r?.cachedInputTokens ?? 0n),
  costUsd: r?.costUsd ?? 0,
});

export function usageView(u: QueryUsageReply) {
  return { groupBy: u.groupBy, from: u.from, to: u.to, rows: u.rows.map(usageRowView), total: usageRowView(u.total) };
}

/** Where a budget is: the tenant's, or one agent's. */
export interface BudgetTarget {
  agent?: string;
  period: string;
}

function budgetKey(target: BudgetTarget) {
  const period = budgetPeriod(target.period);
  return target.agent === undefined ? { scope: 'tenant', agent: '', period } : { scope: 'agent', agent: agentName(target.agent, '/agent'), period };
}

/** Usage and budgets: each call one request to the metering service (the tenant travels in the message headers). */
@Injectable()
export class BudgetsApi {
  constructor(private readonly bus: MessageBus) {}

  async usage(query: UsageQuery) {
    const request = parseUsageQuery(query);
    try {
      return usageView(await this.bus.request('af.v1.usage.query', request));
    } catch (error) {
      throw renamedPath(error, USAGE_PATHS);
    }
  }

  async list(agent: unknown) {
    if (agent !== undefined && typeof agent !== 'string') throw AppError.invalid('agent must be given once', '/query/agent');
    const request = { agent: agent ? agentName(agent, '/query/agent') : '' };
    const reply = await this.bus.request('af.v1.budgets.list', request);
    return { items: reply.items.map(budgetView) };
  }

  async put(principal: Principal, target: BudgetTarget, body: unknown) {
    const key = budgetKey(target);
    const limitUsd = parseBudgetBody(body);
    // The metering service's paths (/limitUsd, /agent, /period) are the body field and path segments the caller sent.
    return budgetView((await this.bus.request('af.v1.budgets.put', { ...key, limitUsd, caller: callerOf(principal) })).budget);
  }

  async delete(principal: Principal, target: BudgetTarget) {
    const key = budgetKey(target);
    return budgetView((await this.bus.request('af.v1.budgets.delete', { ...key, caller: callerOf(principal) })).budget);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter } from 'prom-client';
import type {
  BudgetReplySchema,
  BudgetSchema,
  Caller,
  DeleteBudgetRequest,
  ListBudgetsReplySchema,
  ListBudgetsRequest,
  PutBudgetRequest,
  QueryUsageReplySchema,
  QueryUsageRequest,
  ReserveBudgetReplySchema,
  ReserveBudgetRequest,
  SettleBudgetReplySchema,
  SettleBudgetRequest,
  TenantId,
} from '@af/contracts';
import { DNS_LABEL_MAX, isDnsLabel } from '@af/blueprint-format';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import {
  MAX_CALL_USD,
  MAX_LIMIT_USD,
  PERIODS,
  SCOPES,
  monthStart,
  nanosToUsd,
  nextMonthStart,
  periodStartRfc3339,
  usdToNanos,
  type BudgetStanding,
  type Period,
  type Scope,
} from './ledger-math.js';
import { MeteringRepository, type BudgetRow, type UsageQuery, type UsageSum } from './metering.repository.js';
import { METERING_OPTIONS, type MeteringOptions } from './metering.options.js';

type BudgetMessage = MessageInitShape<typeof BudgetSchema>;

const OUTCOMES = ['ok', 'rate_limited', 'timeout', 'unavailable', 'refused', 'output_invalid', 'circuit_open'] as const;
const GROUPS = ['agent', 'model', 'day'] as const;
const MAX_ID_CHARS = 256;
const MAX_NAME_CHARS = 128;
const MAX_TOKENS = 100_000_000;
/** Budgets per tenant (a put beyond is refused): keeps every reserve's budget read and every list small. */
export const MAX_BUDGETS_PER_TENANT = 1_000;
/** A usage query spans at most this many days. */
export const MAX_USAGE_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;
/** How far from the service's clock a settled call's time may be (clock skew forward, late settles back). */
const MAX_AT_FUTURE_MS = 3_600_000;
const MAX_AT_PAST_MS = 400 * DAY_MS;
const SWEEP_BATCH = 500;
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Spend budgets and the usage ledger. The worker reserves a model call's worst-case cost before
 * the call (refused when any budget that applies would be exceeded) and settles it with the real
 * cost after; people set, delete and list budgets and query usage through the gateway.
 */
@Injectable()
export class MeteringService {
  private readonly reservations: Counter<'outcome'>;
  private readonly refusals: Counter<'scope' | 'period'>;
  private readonly cost: Counter<'provider' | 'model'>;
  private readonly expired: Counter;

  constructor(
    private readonly repository: MeteringRepository,
    private readonly audit: AuditTrail,
    @Inject(METERING_OPTIONS) private readonly options: MeteringOptions,
    metrics: MetricsRegistry,
  ) {
    this.reservations = metrics.counter('af_budget_reservations_total', 'Budget reservations answered (first answers only), by outcome (granted | refused)', ['outcome']);
    this.refusals = metrics.counter('af_budget_refusals_total', 'Reservations refused, by the budget that refused them (scope, period)', ['scope', 'period']);
    this.cost = metrics.counter('af_model_cost_usd_total', 'Settled model call cost (USD), by provider and model', ['provider', 'model']);
    this.expired = metrics.counter('af_budget_reservations_expired_total', 'Open reservations released unsettled at their expiry (a worker gone mid-call)');
  }

  async reserve(tenantId: TenantId, request: ReserveBudgetRequest): Promise<MessageInitShape<typeof ReserveBudgetReplySchema>> {
    const reservationId = text(request.reservationId, '/reservationId', MAX_ID_CHARS, true);
    const input = {
      reservationId,
      runId: text(request.runId, '/runId', MAX_ID_CHARS, false),
      agent: agentName(request.agent, '/agent', true),
      provider: text(request.provider, '/provider', MAX_NAME_CHARS, true),
      model: text(request.model, '/model', MAX_NAME_CHARS, true),
      estimate: usdToNanos(request.estimateUsd, '/estimateUsd', MAX_CALL_USD),
      ttlMs: this.options.reservationTtlMs,
      now: new Date(),
    };
    tokens(request.estimatedInputTokens, '/estimatedInputTokens');
    tokens(request.maxOutputTokens, '/maxOutputTokens');
    const answer = await this.repository.reserve(tenantId, input);
    if (answer.created) {
      this.reservations.inc({ outcome: answer.granted ? 'granted' : 'refused' });
      if (answer.refusedBy) this.refusals.inc({ scope: answer.refusedBy.scope, period: answer.refusedBy.period });
    }
    return {
      granted: answer.granted,
      reservationId,
      ...(answer.refusedBy ? { refusedBy: standingMessage(answer.refusedBy) } : {}),
      estimateUsd: nanosToUsd(answer.estimate),
      expiresInMs: BigInt(answer.expiresInMs),
    };
  }

  async settle(tenantId: TenantId, request: SettleBudgetRequest): Promise<MessageInitShape<typeof SettleBudgetReplySchema>> {
    const reservationId = text(request.reservationId, '/reservationId', MAX_ID_CHARS, true);
    const provider = text(request.provider, '/provider', MAX_NAME_CHARS, true);
    const model = text(request.model, '/model', MAX_NAME_CHARS, true);
    const cost = usdToNanos(request.costUsd, '/costUsd', MAX_CALL_USD);
    const result = await this.repository.settle(tenantId, {
      reservationId,
      runId: text(request.runId, '/runId', MAX_ID_CHARS, false),
      agent: agentName(request.agent, '/agent', true),
      provider,
      model,
      outcome: oneOf(request.outcome, OUTCOMES, '/outcome'),
      inputTokens: tokens(request.inputTokens, '/inputTokens'),
      outputTokens: tokens(request.outputTokens, '/outputTokens'),
      cachedInputTokens: tokens(request.cachedInputTokens, '/cachedInputTokens'),
      cost,
      at: callTime(request.at, new Date()),
    });
    if (result.recorded) this.cost.inc({ provider, model }, nanosToUsd(cost));
    return { reservationId, recorded: result.recorded };
  }

  /** One expiry pass (the clock calls it; tests too): releases up to a batch, returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await this.repository.sweepExpired(SWEEP_BATCH);
      total += released;
      this.expired.inc(released);
      if (released < SWEEP_BATCH) return total;
    }
  }

  async put(tenantId: TenantId, request: PutBudgetRequest): Promise<MessageInitShape<typeof BudgetReplySchema>> {
    const target = budgetTarget(request);
    const limit = usdToNanos(request.limitUsd, '/limitUsd', MAX_LIMIT_USD);
    const actor = callerOf(request.caller);
    const row = await this.repository.putBudget(tenantId, { ...target, limit, updatedBy: actor }, new Date(), MAX_BUDGETS_PER_TENANT);
    if (row === 'too-many') throw new AppError(ErrorCode.ResourceExhausted, `a tenant may have at most ${MAX_BUDGETS_PER_TENANT} budgets`, { path: '/agent' });
    await this.audit.record({
      action: 'budget.set',
      actor,
      resourceType: 'budget',
      resourceId: budgetId(target),
      outcome: 'success',
      details: { scope: target.scope, agent: target.agent, period: target.period, limitUsd: nanosToUsd(limit) },
    });
    return { budget: budgetMessage(row) };
  }

  async delete(tenantId: TenantId, request: DeleteBudgetRequest): Promise<MessageInitShape<typeof BudgetReplySchema>> {
    const target = budgetTarget(request);
    const actor = callerOf(request.caller);
    const row = await this.repository.deleteBudget(tenantId, target, new Date());
    if (!row) throw AppError.notFound(`budget ${budgetId(target)}`);
    await this.audit.record({
      action: 'budget.deleted',
      actor,
      resourceType: 'budget',
      resourceId: budgetId(target),
      outcome: 'success',
      details: { scope: target.scope, agent: target.agent, period: target.period, limitUsd: nanosToUsd(row.limit) },
    });
    return { budget: budgetMessage(row) };
  }

  async list(tenantId: TenantId, request: ListBudgetsRequest): Promise<MessageInitShape<typeof ListBudgetsReplySchema>> {
    const rows = await this.repository.listBudgets(tenantId, agentName(request.agent, '/agent', false), new Date());
    return { items: rows.map(budgetMessage) };
  }

  async usage(tenantId: TenantId, request: QueryUsageRequest): Promise<MessageInitShape<typeof QueryUsageReplySchema>> {
    const query = usageQuery(request, new Date());
    const { rows, total } = await this.repository.queryUsage(tenantId, query);
    return { groupBy: query.groupBy, from: query.from.toISOString(), to: query.to.toISOString(), rows: rows.map(usageRow), total: usageRow(total) };
  }
}

/** The [from, to) window and grouping of a usage query: default the current UTC month, at most {@link MAX_USAGE_RANGE_DAYS} days. */
export function usageQuery(request: Pick<QueryUsageRequest, 'groupBy' | 'from' | 'to' | 'agent'>, now: Date): UsageQuery {
  const groupBy = request.groupBy ? oneOf(request.groupBy, GROUPS, '/groupBy') : 'agent';
  const from = request.from ? instant(request.from, '/from') : monthStart(now);
  const to = request.to ? instant(request.to, '/to') : request.from ? new Date(Math.min(from.getTime() + MAX_USAGE_RANGE_DAYS * DAY_MS, nextMonthStart(now).getTime())) : nextMonthStart(now);
  if (to.getTime() <= from.getTime()) throw AppError.invalid('to must be after from', '/to');
  if (to.getTime() - from.getTime() > MAX_USAGE_RANGE_DAYS * DAY_MS) throw AppError.invalid(`the range may span at most ${MAX_USAGE_RANGE_DAYS} days`, '/to');
  return { groupBy, from, to, agent: agentName(request.agent, '/agent', false) };
}

/** When a settled call was made: its `at` (RFC 3339), else now; refused when far from now. */
export function callTime(at: string, now: Date): Date {
  if (!at) return now;
  const time = instant(at, '/at');
  if (time.getTime() > now.getTime() + MAX_AT_FUTURE_MS || time.getTime() < now.getTime() - MAX_AT_PAST_MS) throw AppError.invalid('at is too far from the current time', '/at');
  return time;
}

function instant(value: string, path: string): Date {
  const time = value.length <= 40 && DATE_OR_TIME.test(value) ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : new Date(NaN);
  if (Number.isNaN(time.getTime())) throw AppError.invalid('must be an RFC 3339 date (YYYY-MM-DD) or time', path);
  return time;
}

function budgetTarget(request: { scope: string; agent: string; period: string }): { scope: Scope; agent: string; period: Period } {
  const scope = oneOf(request.scope, SCOPES, '/scope');
  const period = oneOf(request.period, PERIODS, '/period');
  if (scope === 'tenant' && request.agent) throw AppError.invalid("a tenant budget names no agent ('' )", '/agent');
  return { scope, agent: scope === 'agent' ? agentName(request.agent, '/agent', true) : '', period };
}

function budgetId(b: { scope: Scope; agent: string; period: Period }): string {
  return b.scope === 'tenant' ? `tenant/${b.period}` : `agent/${b.agent}/${b.period}`;
}

function callerOf(caller: Caller | undefined): string {
  const subject = caller?.subject ?? '';
  if (!subject) throw new AppError(ErrorCode.Unauthenticated, 'changing a budget needs the caller (subject)', { path: '/caller' });
  return text(subject, '/caller/subject', MAX_ID_CHARS, true);
}

function agentName(value: string, path: string, required: boolean): string {
  if (!value && !required) return '';
  if (!isDnsLabel(value)) throw AppError.invalid(`must be an agent name: lowercase letters, digits and '-', at most ${DNS_LABEL_MAX} characters`, path);
  return value;
}

function text(value: string, path: string, max: number, required: boolean): string {
  if (required && !value) throw AppError.invalid('is required', path);
  if (value.length > max) throw AppError.invalid(`must be at most ${max} characters`, path);
  return value;
}

function tokens(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_TOKENS) throw AppError.invalid(`must be a whole number from 0 to ${MAX_TOKENS}`, path);
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], path: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw AppError.invalid(`must be one of ${allowed.join(', ')}`, path);
  return value as T;
}

function standingMessage(b: BudgetStanding): BudgetMessage {
  return {
    scope: b.scope,
    agent: b.agent,
    period: b.period,
    limitUsd: nanosToUsd(b.limit),
    spentUsd: nanosToUsd(b.spent),
    reservedUsd: nanosToUsd(b.reserved),
    periodStart: periodStartRfc3339(b.periodStart),
  };
}

function budgetMessage(row: BudgetRow): BudgetMessage {
  return { ...standingMessage(row), updatedAt: row.updatedAt.toISOString(), updatedBy: row.updatedBy };
}

function usageRow(s: UsageSum) {
  return { key: s.key, calls: s.calls, inputTokens: s.inputTokens, outputTokens: s.outputTokens, cachedInputTokens: s.cachedInputTokens, costUsd: nanosToUsd(s.cost) };
}

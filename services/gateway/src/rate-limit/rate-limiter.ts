import { Inject, Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AppError, ErrorCode } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Principal } from '../auth/principal.js';
import type { PlanLimits, PlanName } from './rate-limit.config.js';
import { RateLimitRepository, type ConsumeResult } from './rate-limit.repository.js';
import { RATE_LIMIT_CONFIG, type RateLimitConfig } from './rate-limit.tokens.js';
import { bindingWindow, evaluateWindow, type Window } from './sliding-window.js';

/** What the client is told in `RateLimit-*` headers (IETF draft-ietf-httpapi-ratelimit-headers). */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** Seconds. */
  reset: number;
  /** `RateLimit-Policy`, e.g. `30;w=1, 600;w=60`. */
  policy: string;
}

export type LimitDecision = { kind: 'allowed'; headers: RateLimitHeaders } | { kind: 'unchecked' } | { kind: 'refused'; error: AppError; retryAfterSec: number; headers?: RateLimitHeaders };

export type QuotaDecision = { kind: 'reserved'; period: string } | { kind: 'unlimited' } | { kind: 'unchecked' } | { kind: 'refused'; error: AppError; retryAfterSec: number };

/** The month a run is counted in (UTC) and the seconds until the next one begins. */
export function monthOf(nowMs: number): { period: string; secondsLeft: number } {
  const now = new Date(nowMs);
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return { period: now.toISOString().slice(0, 7), secondsLeft: Math.max(1, Math.ceil((next - nowMs) / 1000)) };
}

/** The principal's own limit bucket: its API key when it called with one, else its user (token subject). */
function bucketOf(principal: Principal): string {
  return principal.apiKeyId ? `key:${principal.apiKeyId}` : `sub:${principal.subject}`;
}

/** What Redis last said about a principal, and how many of its requests are being counted now. */
interface KnownLimit {
  remaining: number;
  limit: number;
  reset: number;
  at: number;
  inFlight: number;
}

/** A principal with more than this many requests left passes without waiting for Redis (see {@link RateLimiter.check}). */
export const OPTIMISTIC_MARGIN = 16;
/** How old Redis' last answer may be for a request to pass on it. */
const FRESH_MS = 250;
/** Principals remembered per gateway instance (oldest forgotten first). */
const MAX_KNOWN = 50_000;

/** Keeps a warning from being logged once per request while Redis is away. */
const WARN_EVERY_MS = 10_000;

/**
 * Rate limits per principal (two sliding windows from the tenant's plan: `burst` per 1 s,
 * `rps` × 60 per 60 s) and monthly run quotas per tenant, in Redis. When Redis cannot answer,
 * the configured failure mode decides; after a failure Redis is left alone for a short pause
 * so an outage costs requests nothing but a branch.
 */
@Injectable()
export class RateLimiter {
  private readonly windows = new Map<PlanName, { windows: Window[]; policy: string }>();
  private readonly limited: Counter<'plan' | 'reason'>;
  private readonly redisFailures: Counter<'operation' | 'mode'>;
  private readonly known = new Map<string, KnownLimit>();
  private redisDownUntil = 0;
  private lastWarnAt = 0;

  constructor(
    @Inject(RATE_LIMIT_CONFIG) private readonly config: RateLimitConfig,
    private readonly repository: RateLimitRepository,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const [name, plan] of Object.entries(config.plans) as [PlanName, PlanLimits][]) {
      const windows = [
        { windowMs: 1_000, limit: plan.burst },
        { windowMs: 60_000, limit: plan.rps * 60 },
      ];
      this.windows.set(name, { windows, policy: windows.map((w) => `${w.limit};w=${w.windowMs / 1000}`).join(', ') });
    }
    this.limited = metrics.counter('af_gateway_rate_limited_total', 'Requests refused by the rate limiter or a quota, by plan and reason (rate_limit, quota, unavailable)', ['plan', 'reason']);
    this.redisFailures = metrics.counter('af_gateway_rate_limit_redis_failures_total', 'Rate-limit and quota checks Redis could not answer, by operation and the failure mode applied', ['operation', 'mode']);
  }

  planOf(tenantId: string): PlanName {
    return this.config.tenantPlans.get(tenantId) ?? this.config.defaultPlan;
  }

  /**
   * Counts the request in Redis. While the principal's last answer from Redis (at most
   * {@link FRESH_MS} old) leaves more than {@link OPTIMISTIC_MARGIN} requests beyond those still
   * being counted, the request passes at once and is counted in the background: traffic well
   * under its limit never waits for Redis. Near the limit every request waits for Redis' verdict,
   * so a principal can exceed its limit by at most the margin per gateway instance. Only with
   * fail-open limits: fail-closed ones wait for Redis on every request.
   */
  async check(principal: Principal, nowMs = Date.now()): Promise<LimitDecision> {
    const plan = this.planOf(principal.tenantId);
    const { windows, policy } = this.windows.get(plan)!;
    if (nowMs < this.redisDownUntil) return this.redisUnavailable('limit', plan, this.config.failureMode);
    const bucket = bucketOf(principal);
    const key = `${principal.tenantId} ${bucket}`;
    const known = this.known.get(key);
    if (known && this.config.failureMode === 'open' && nowMs - known.at <= FRESH_MS && known.remaining - known.inFlight > OPTIMISTIC_MARGIN && this.repository.connected()) {
      known.inFlight++;
      const remaining = known.remaining - known.inFlight;
      this.repository.consume(principal.tenantId, bucket, windows, nowMs).then(
        (result) => {
          known.inFlight--;
          this.remember(key, known, this.decide(plan, windows, policy, result, nowMs), nowMs);
        },
        (error: unknown) => {
          known.inFlight--;
          this.known.delete(key);
          this.redisFailed('limit', plan, this.config.failureMode, error, Date.now());
        },
      );
      return { kind: 'allowed', headers: { limit: known.limit, remaining, reset: known.reset, policy } };
    }
    let result;
    try {
      result = await this.repository.consume(principal.tenantId, bucket, windows, nowMs);
    } catch (error) {
      this.known.delete(key);
      return this.redisFailed('limit', plan, this.config.failureMode, error, nowMs);
    }
    const decision = this.decide(plan, windows, policy, result, nowMs);
    this.remember(key, this.known.get(key), decision, nowMs);
    return decision;
  }

  private remember(key: string, state: KnownLimit | undefined, decision: LimitDecision, nowMs: number): void {
    if (decision.kind === 'unchecked') return;
    const headers = decision.headers;
    const remaining = decision.kind === 'allowed' && headers ? headers.remaining : 0;
    if (state && this.known.get(key) === state) {
      if (nowMs >= state.at) Object.assign(state, { remaining, limit: headers?.limit ?? state.limit, reset: headers?.reset ?? state.reset, at: nowMs });
      return;
    }
    if (this.known.size >= MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, { remaining, limit: headers?.limit ?? 0, reset: headers?.reset ?? 1, at: nowMs, inFlight: 0 });
  }

  /** Redis' verdict stands; the same arithmetic here says which window binds and for how long. */
  private decide(plan: PlanName, windows: readonly Window[], policy: string, result: ConsumeResult, nowMs: number): LimitDecision {
    const states = windows.map((window, i) => evaluateWindow(window, result.counts[i]!, nowMs));
    if (result.allowed) for (const state of states) state.allowed = true;
    else if (states.every((s) => s.allowed)) states[0] = { ...states[0]!, allowed: false, remaining: 0, retryAfterMs: 1 };
    const binding = bindingWindow(states);
    const headers = { limit: binding.limit, remaining: binding.remaining, reset: Math.max(1, Math.ceil((result.allowed ? binding.resetMs : binding.retryAfterMs) / 1000)), policy };
    if (result.allowed) return { kind: 'allowed', headers };
    this.limited.inc({ plan, reason: 'rate_limit' });
    const retryAfterSec = headers.reset;
    const window = binding.windowMs / 1000;
    return {
      kind: 'refused',
      retryAfterSec,
      headers,
      error: new AppError(ErrorCode.RateLimited, `rate limit of the ${plan} plan reached: ${binding.limit} requests per ${window} s; retry after ${retryAfterSec} s`, {
        details: { plan, limit: binding.limit, windowSeconds: window, retryAfterSeconds: retryAfterSec },
      }),
    };
  }

  /** Reserves one run submission of the tenant's month; {@link releaseRun} gives it back when the submission is not accepted. */
  async reserveRun(principal: Principal, nowMs = Date.now()): Promise<QuotaDecision> {
    const plan = this.planOf(principal.tenantId);
    const quota = this.config.plans[plan].monthlyRuns;
    if (quota === 0) return { kind: 'unlimited' };
    const mode = this.config.quotaFailureMode;
    if (nowMs < this.redisDownUntil) return this.redisUnavailable('quota', plan, mode);
    const { period, secondsLeft } = monthOf(nowMs);
    let reply;
    try {
      // Kept 35 days past the month, so the last month's use can still be read.
      reply = await this.repository.reserveRun(principal.tenantId, period, quota, secondsLeft + 35 * 86_400);
    } catch (error) {
      return this.redisFailed('quota', plan, mode, error, nowMs);
    }
    if (reply.reserved) return { kind: 'reserved', period };
    this.limited.inc({ plan, reason: 'quota' });
    return {
      kind: 'refused',
      retryAfterSec: secondsLeft,
      error: new AppError(ErrorCode.QuotaExceeded, `the monthly run quota of the ${plan} plan is used up (${reply.used} of ${quota} runs in ${period}); it renews at the start of next month (UTC)`, {
        details: { quota, used: reply.used, period, plan },
      }),
    };
  }

  async releaseRun(principal: Principal, period: string): Promise<void> {
    try {
      await this.repository.releaseRun(principal.tenantId, period);
    } catch (error) {
      this.redisFailures.inc({ operation: 'quota_release', mode: 'open' });
      this.warn(error, 'could not give a refused run submission back to the monthly quota');
    }
  }

  private redisFailed(operation: 'limit' | 'quota', plan: PlanName, mode: 'open' | 'closed', error: unknown, nowMs: number): LimitDecision & QuotaDecision {
    this.redisDownUntil = nowMs + this.config.redis.retryAfterFailureMs;
    this.warn(error, `Redis cannot answer the ${operation === 'limit' ? 'rate limiter' : 'run quota'}; failing ${mode}`);
    return this.redisUnavailable(operation, plan, mode);
  }

  private redisUnavailable(operation: 'limit' | 'quota', plan: PlanName, mode: 'open' | 'closed'): LimitDecision & QuotaDecision {
    this.redisFailures.inc({ operation, mode });
    if (mode === 'open') return { kind: 'unchecked' };
    this.limited.inc({ plan, reason: 'unavailable' });
    const retryAfterSec = this.config.unavailableRetryAfterSec;
    const what = operation === 'limit' ? 'rate limits' : 'run quotas';
    return { kind: 'refused', retryAfterSec, error: new AppError(ErrorCode.Unavailable, `${what} cannot be checked right now (Redis is unavailable); retry after ${retryAfterSec} s`) };
  }

  private warn(error: unknown, message: string): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn({ err: error }, message);
  }
}

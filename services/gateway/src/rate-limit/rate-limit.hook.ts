import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPublicRouteConfig } from '@af/observability';
import { errorBody } from '@af/runtime';
import { httpStatusOf } from '@af/errors';
import type { Principal } from '../auth/principal.js';
import { isRunQuotaRouteConfig } from './run-quota.decorator.js';
import { RateLimiter, type RateLimitHeaders } from './rate-limiter.js';

interface HookRequest {
  method: string;
  principal?: Principal;
  routeOptions?: { config?: unknown };
}
interface HookReply {
  statusCode: number;
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(body: unknown): HookReply;
}

function setRateLimitHeaders(reply: HookReply, headers: RateLimitHeaders): void {
  reply.header('ratelimit-limit', String(headers.limit));
  reply.header('ratelimit-remaining', String(headers.remaining));
  reply.header('ratelimit-reset', String(headers.reset));
  reply.header('ratelimit-policy', headers.policy);
}

/**
 * Statuses after which a reserved run is given back: the submission was not accepted (4xx,
 * 503: not sent or refused) or only replayed an earlier one (200 with an Idempotency-Key).
 * 202 (accepted), 504 (may have been accepted) and 500 (unknown) keep it.
 */
function submissionNotAccepted(status: number): boolean {
  return status === 200 || (status >= 400 && status < 500) || status === 503;
}

/**
 * Rate limits and run quotas in Fastify's `onRequest`, after authentication (the principal is
 * known) and before the body is read: a limited client costs one Redis round trip, never the
 * parsing of its body. `@Public()` routes (health, metrics, docs) are not limited. Every limited
 * response carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (and a 429,
 * `Retry-After`).
 */
export function installRateLimit(app: NestFastifyApplication): void {
  const limiter = app.get(RateLimiter);
  const reservations = new WeakMap<object, { principal: Principal; period: string }>();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (req: HookRequest, reply: HookReply) => {
    const config = req.routeOptions?.config;
    // Public routes pass; a request the authentication hook let through without a principal is the guard's to refuse.
    if (isPublicRouteConfig(config) || !req.principal) return;
    const principal = req.principal;
    const decision = await limiter.check(principal);
    if (decision.kind === 'allowed' || (decision.kind === 'refused' && decision.headers)) setRateLimitHeaders(reply, decision.headers!);
    if (decision.kind === 'refused') {
      reply.header('retry-after', String(decision.retryAfterSec)).header('content-type', 'application/json; charset=utf-8');
      return reply.code(httpStatusOf(decision.error.code)).send(errorBody(decision.error));
    }
    if (!isRunQuotaRouteConfig(config)) return;
    const quota = await limiter.reserveRun(principal);
    if (quota.kind === 'refused') {
      reply.header('retry-after', String(quota.retryAfterSec)).header('content-type', 'application/json; charset=utf-8');
      return reply.code(httpStatusOf(quota.error.code)).send(errorBody(quota.error));
    }
    if (quota.kind === 'reserved') reservations.set(req, { principal, period: quota.period });
    return;
  });
  fastify.addHook('onResponse', async (req: HookRequest, reply: HookReply) => {
    const reservation = reservations.get(req);
    if (reservation && submissionNotAccepted(reply.statusCode)) await limiter.releaseRun(reservation.principal, reservation.period);
  });
}

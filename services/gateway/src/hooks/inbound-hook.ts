import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isTenantId, type TenantId } from '@af/contracts';
import { AppError, ErrorCode, httpStatusOf } from '@af/errors';
import { FASTIFY_ROUTE_CONFIG } from '@af/observability';
import { errorBody } from '@af/runtime';
import type { Principal } from '../auth/principal.js';
import { DNS_LABEL } from '../http/input.js';
import { RateLimiter } from '../rate-limit/rate-limiter.js';

/** An inbound webhook's body: JSON, at most this many bytes (the triggers service applies the same bound). */
export const MAX_HOOK_BODY_BYTES = 256 * 1024;

/**
 * Marks the public inbound-webhook route: its raw body bytes are kept (the signature covers
 * them), and it is bounded and rate limited by {@link installInboundHookLimits} before the body is
 * read — per (tenant, agent, trigger) of the path with the tenant's plan, as there is no principal.
 */
export function InboundHook(): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG, method) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG, { ...config, inboundHook: true }, method);
    return descriptor;
  };
}

export function isInboundHookRouteConfig(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { inboundHook?: unknown }).inboundHook === true;
}

export interface HookAddress {
  tenantId: TenantId;
  agent: string;
  triggerId: string;
}

/** The path's tenant, agent and trigger: each checked (400 at its path) before it is used as a key or sent anywhere. */
export function hookAddress(params: { tenant?: unknown; agent?: unknown; triggerId?: unknown }): HookAddress {
  const { tenant, agent, triggerId } = params;
  if (typeof tenant !== 'string' || !isTenantId(tenant)) throw AppError.invalid('tenant must be a tenant id: lower-case letters, digits and "-", at most 63 characters', '/tenant');
  if (typeof agent !== 'string' || !DNS_LABEL.test(agent)) throw AppError.invalid('agent must be an agent name: lower-case letters, digits and "-", at most 63 characters', '/agent');
  if (typeof triggerId !== 'string' || !DNS_LABEL.test(triggerId)) throw AppError.invalid('triggerId must be a trigger id: lower-case letters, digits and "-", at most 63 characters', '/triggerId');
  return { tenantId: tenant, agent, triggerId };
}

/** JSON only: `application/json` with optional parameters (charset). */
export function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && /^application\/json\s*(;.*)?$/i.test(header.trim());
}

/** The rate limiter's key for a hook: one bucket per trigger address of the tenant (never a real principal's). */
export function hookBucket(address: HookAddress): Principal {
  return { subject: `hook:${address.agent}/${address.triggerId}`, tenantId: address.tenantId, roles: [], permissions: [] };
}

interface HookRequest {
  params?: unknown;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { config?: unknown };
}
interface HookReply {
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(body: unknown): HookReply;
}

function refuse(reply: HookReply, error: AppError, retryAfterSec?: number): HookReply {
  if (retryAfterSec !== undefined) reply.header('retry-after', String(retryAfterSec));
  return reply.header('content-type', 'application/json; charset=utf-8').code(httpStatusOf(error.code)).send(errorBody(error));
}

/**
 * `onRequest` for the inbound-webhook route (public: no principal): the path is checked, a body
 * that is not JSON (415) or announces more than {@link MAX_HOOK_BODY_BYTES} (413) is refused
 * before it is read, and the request is counted against the tenant's plan limits in a bucket of
 * its own per (agent, trigger) — an unsigned flood costs one Redis round trip per request and
 * never reaches the triggers service once the bucket is empty.
 */
export function installInboundHookLimits(app: NestFastifyApplication): void {
  const limiter = app.get(RateLimiter);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req: HookRequest, reply: HookReply) => {
      if (!isInboundHookRouteConfig(req.routeOptions?.config)) return;
      let address: HookAddress;
      try {
        address = hookAddress((req.params ?? {}) as Record<string, unknown>);
      } catch (error) {
        return refuse(reply, error as AppError);
      }
      const contentType = req.headers['content-type'];
      if (!isJsonContentType(typeof contentType === 'string' ? contentType : undefined)) {
        return refuse(reply, new AppError(ErrorCode.UnsupportedMediaType, 'an inbound webhook body must be JSON (content-type: application/json)', { path: '/headers/content-type' }));
      }
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > MAX_HOOK_BODY_BYTES) return refuse(reply, new AppError(ErrorCode.PayloadTooLarge, `an inbound webhook body may be at most ${MAX_HOOK_BODY_BYTES} bytes`, { path: '' }));
      const decision = await limiter.check(hookBucket(address));
      if (decision.kind === 'refused') return refuse(reply, decision.error, decision.retryAfterSec);
      return;
    });
}

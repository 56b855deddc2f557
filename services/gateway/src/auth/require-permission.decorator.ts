import type { Permission } from '@af/contracts';
import { FASTIFY_ROUTE_CONFIG } from '@af/observability';

/** Nest metadata key of the permission a route needs. */
export const REQUIRED_PERMISSION = 'af:required-permission';

/**
 * The permission a route needs (README "Roles and permissions"). The gateway's global guard
 * refuses a principal without it (403 PERMISSION_DENIED); every route that is not `@Public()`
 * must declare one — a unit test walks every controller and fails on a route that does not, and
 * at run time such a route is refused to everyone. The permission is copied into the Fastify
 * route config too, so the early `onRequest` hook refuses before the body is read.
 */
export function RequirePermission(permission: Permission): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    Reflect.defineMetadata(REQUIRED_PERMISSION, permission, method);
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG, method) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG, { ...config, permission }, method);
    return descriptor;
  };
}

/** The permission a Fastify route's `config` (from Nest's route metadata) asks for, if any. */
export function permissionOfRouteConfig(config: unknown): Permission | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const permission = (config as { permission?: unknown }).permission;
  return typeof permission === 'string' ? (permission as Permission) : undefined;
}

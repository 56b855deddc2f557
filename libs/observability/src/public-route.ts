/** Nest metadata key of a route (or controller) that needs no credentials. */
export const PUBLIC_ROUTE = 'af:public-route';

/**
 * `@nestjs/platform-fastify`'s FASTIFY_ROUTE_CONFIG_METADATA: Nest copies it into the Fastify
 * route's `config`, where a request hook can read it before the body is parsed (the gateway
 * authenticates there). The gateway's route test fails if the two ever disagree.
 */
export const FASTIFY_ROUTE_CONFIG = '__fastify_route_config__';

function markMethod(method: object): void {
  Reflect.defineMetadata(PUBLIC_ROUTE, true, method);
  const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG, method) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG, { ...config, public: true }, method);
}

/**
 * Marks a route, or every route of a controller, as public: no token needed (health probes,
 * metrics scrapes). Everything else is authenticated by the service's global guard, if it has one.
 */
export function Public(): ClassDecorator & MethodDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor?.value !== undefined && key !== undefined) {
      markMethod(descriptor.value as object);
      return descriptor;
    }
    const ctor = target as { prototype: Record<string, unknown> };
    Reflect.defineMetadata(PUBLIC_ROUTE, true, ctor);
    for (const name of Object.getOwnPropertyNames(ctor.prototype)) {
      const value = ctor.prototype[name];
      if (name !== 'constructor' && typeof value === 'function') markMethod(value);
    }
    return undefined;
  }) as ClassDecorator & MethodDecorator;
}

/** Whether a Fastify route's `config` (from Nest's route metadata) marks it public. */
export function isPublicRouteConfig(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { public?: unknown }).public === true;
}

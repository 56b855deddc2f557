import { FASTIFY_ROUTE_CONFIG } from '@af/observability';

/**
 * Marks a route whose successful call counts against the tenant's monthly run quota (a run
 * submission). The mark travels in the Fastify route config, where the rate-limit hook reads
 * it before the body is parsed.
 */
export function CountsAgainstRunQuota(): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG, method) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG, { ...config, runQuota: true }, method);
    return descriptor;
  };
}

export function isRunQuotaRouteConfig(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { runQuota?: unknown }).runQuota === true;
}

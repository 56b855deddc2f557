import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { createLogger, FASTIFY_ROUTE_CONFIG, PUBLIC_ROUTE } from '@af/observability';
import { AppModule } from '../app.module.js';
import { REQUIRED_PERMISSION } from '../auth/require-permission.decorator.js';
import { loadGatewayConfig } from '../config.js';

export interface DeclaredRoute {
  route: string;
  public: boolean;
  permission: string | undefined;
  /** The permission the Fastify route config carries (what the early hook checks). */
  fastifyPermission: string | undefined;
}

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule> | undefined;

/** Every controller the gateway registers, found by walking its module tree as Nest would. */
function controllersOf(root: DynamicModule): Type<unknown>[] {
  const found = new Set<Type<unknown>>();
  const seen = new Set<unknown>();
  const walk = (ref: ModuleRef) => {
    if (!ref || ref instanceof Promise || seen.has(ref)) return;
    seen.add(ref);
    const dynamic = typeof ref === 'function' ? undefined : ref;
    const cls = typeof ref === 'function' ? ref : ref.module;
    for (const c of [...((Reflect.getMetadata('controllers', cls) as Type<unknown>[] | undefined) ?? []), ...(dynamic?.controllers ?? [])]) found.add(c);
    for (const child of [...((Reflect.getMetadata('imports', cls) as ModuleRef[] | undefined) ?? []), ...((dynamic?.imports as ModuleRef[] | undefined) ?? [])]) walk(child);
  };
  walk(root);
  return [...found];
}

/** Every route of the gateway with its declared permission (or public mark), from Nest's metadata. */
export function declaredRoutes(): DeclaredRoute[] {
  const config = loadGatewayConfig({ AF_JWT_SECRET: 's'.repeat(40), AF_API_KEY_PEPPER: 'p'.repeat(40) });
  const root = AppModule.forRoot(config, { logger: createLogger('gateway', 'silent'), instanceId: 'route-permissions' });
  const routes: DeclaredRoute[] = [];
  for (const ctor of controllersOf(root)) {
    const prefix = String(Reflect.getMetadata(PATH_METADATA, ctor) ?? '');
    for (const name of Object.getOwnPropertyNames(ctor.prototype)) {
      const handler = (ctor.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const fastify = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG, handler) as { permission?: string } | undefined;
      routes.push({
        route: `${method} /${[prefix, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/'),
        public: Reflect.getMetadata(PUBLIC_ROUTE, handler) === true || Reflect.getMetadata(PUBLIC_ROUTE, ctor) === true,
        permission: Reflect.getMetadata(REQUIRED_PERMISSION, handler) as string | undefined,
        fastifyPermission: fastify?.permission,
      });
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}

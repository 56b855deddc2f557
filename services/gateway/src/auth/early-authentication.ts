import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPublicRouteConfig } from '@af/observability';
import { AuthFailureRecorder } from './auth-failures.js';
import { authenticate, authorize, type AuthenticatedRequest } from './auth.guard.js';
import { permissionOfRouteConfig } from './require-permission.decorator.js';
import { TokenVerifier } from './token-verifier.js';

interface HookRequest extends AuthenticatedRequest {
  routeOptions?: { config?: unknown; url?: string };
}

/**
 * Authenticates and authorizes in Fastify's `onRequest` hook, before the body is read or parsed:
 * a request without a valid credential, or without the route's permission, costs a header check,
 * never the parsing of its (up to the limit) body. Routes marked `@Public()` (health, metrics)
 * pass; unknown routes need a credential too (then 404).
 */
export function installEarlyAuthentication(app: NestFastifyApplication): void {
  const verifier = app.get(TokenVerifier);
  const failures = app.get(AuthFailureRecorder);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req: HookRequest, _reply: unknown, done: (error?: Error) => void) => {
      // A callback hook, not an async one: a public route passes without a promise.
      const config = req.routeOptions?.config;
      if (isPublicRouteConfig(config)) return done();
      authenticate(verifier, failures, req)
        .then((principal) => {
          // Unknown routes (no route url) fall through to Fastify's 404.
          if (req.routeOptions?.url) authorize(principal, permissionOfRouteConfig(config));
        })
        .then(() => done(), done);
    });
}

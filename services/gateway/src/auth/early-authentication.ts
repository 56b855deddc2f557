import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPublicRouteConfig } from '@af/observability';
import { authenticate, type AuthenticatedRequest } from './auth.guard.js';
import { TokenVerifier } from './token-verifier.js';

interface HookRequest extends AuthenticatedRequest {
  routeOptions?: { config?: unknown };
}

/**
 * Authenticates in Fastify's `onRequest` hook, before the body is read or parsed: a request
 * without a valid token costs a header check, never the parsing of its (up to the limit) body.
 * Routes marked `@Public()` (health, metrics) pass; unknown routes need a token too.
 */
export function installEarlyAuthentication(app: NestFastifyApplication): void {
  const verifier = app.get(TokenVerifier);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req: HookRequest) => {
      if (isPublicRouteConfig(req.routeOptions?.config)) return;
      await authenticate(verifier, req);
    });
}

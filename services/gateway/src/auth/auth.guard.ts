import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, RequestContext } from '@af/observability';
import { TokenVerifier } from './token-verifier.js';
import type { Principal } from './principal.js';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Verifies the request's bearer token once; its tenant then scopes the request and every message it sends. */
export async function authenticate(verifier: TokenVerifier, req: AuthenticatedRequest): Promise<Principal> {
  if (req.principal) return req.principal;
  const header = req.headers['authorization'];
  const principal = await verifier.verify(Array.isArray(header) ? header[0] : header);
  req.principal = principal;
  const context = RequestContext.current();
  if (context) context.tenantId = principal.tenantId;
  return principal;
}

/**
 * The one authentication gate, installed globally (APP_GUARD): every route needs a valid token
 * unless it (or its controller) says `@Public()`. The early hook (`installEarlyAuthentication`)
 * has normally verified the token before the body was parsed; this guard is the backstop.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    await authenticate(this.verifier, ctx.switchToHttp().getRequest<AuthenticatedRequest>());
    return true;
  }
}

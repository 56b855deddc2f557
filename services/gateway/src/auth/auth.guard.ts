import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RequestContext } from '@af/observability';
import { TokenVerifier } from './token-verifier.js';
import type { Principal } from './principal.js';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Every /v1 route: a valid token, whose tenant then scopes the request and every message it sends. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers['authorization'];
    const principal = await this.verifier.verify(Array.isArray(header) ? header[0] : header);
    req.principal = principal;
    const context = RequestContext.current();
    if (context) context.tenantId = principal.tenantId;
    return true;
  }
}

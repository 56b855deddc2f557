import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Permission } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { PUBLIC_ROUTE, RequestContext } from '@af/observability';
import { AuthFailureRecorder } from './auth-failures.js';
import { AuthenticationError } from './authentication-error.js';
import { hasPermission, type Principal } from './principal.js';
import { REQUIRED_PERMISSION } from './require-permission.decorator.js';
import { TokenVerifier } from './token-verifier.js';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Verifies the request's bearer token or API key once; its tenant then scopes the request and
 * every message it sends. A refused credential is noted (metric; aggregated audit when its
 * tenant is trustworthy) and answered 401.
 */
export async function authenticate(verifier: TokenVerifier, failures: AuthFailureRecorder, req: AuthenticatedRequest): Promise<Principal> {
  if (req.principal) return req.principal;
  const header = req.headers['authorization'];
  let principal: Principal;
  try {
    principal = await verifier.verify(Array.isArray(header) ? header[0] : header);
  } catch (error) {
    if (error instanceof AuthenticationError) failures.note(error);
    throw error;
  }
  req.principal = principal;
  const context = RequestContext.current();
  if (context) context.tenantId = principal.tenantId;
  return principal;
}

/**
 * 403 PERMISSION_DENIED unless the principal holds the route's permission. A route that is not
 * public and declares no permission is refused to everyone (and fails the route-coverage test).
 */
export function authorize(principal: Principal, permission: Permission | undefined): void {
  if (!permission) throw new AppError(ErrorCode.PermissionDenied, 'this route declares no permission, so nobody may call it', { details: { permission: null } });
  if (!hasPermission(principal, permission)) {
    throw new AppError(ErrorCode.PermissionDenied, `this request needs permission ${permission}, which the caller's roles (${principal.roles.join(', ') || 'none'}) do not grant`, { details: { permission } });
  }
}

/**
 * The one authentication and authorization gate, installed globally (APP_GUARD): every route
 * needs a valid credential and its declared permission (`@RequirePermission`) unless it (or its
 * controller) says `@Public()`. The early hook (`installEarlyAuthentication`) has normally done
 * both before the body was parsed; this guard is the backstop.
 */
/** What the guard needs to know of a route, read from its metadata once per handler. */
interface RouteAccess {
  public: boolean;
  permission: Permission | undefined;
}

@Injectable()
export class AuthGuard implements CanActivate {
  /** Per route handler (not per request): the reflector's lookups are the same every time. */
  private readonly access = new WeakMap<object, RouteAccess>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly failures: AuthFailureRecorder,
    private readonly reflector: Reflector,
  ) {}

  /**
   * Synchronous (no promise) when the route is public or the early hook already authenticated
   * the request; it then only re-checks the permission. Otherwise it authenticates itself.
   */
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const access = this.accessOf(ctx);
    if (access.public) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (req.principal) {
      authorize(req.principal, access.permission);
      return true;
    }
    return authenticate(this.verifier, this.failures, req).then((principal) => {
      authorize(principal, access.permission);
      return true;
    });
  }

  private accessOf(ctx: ExecutionContext): RouteAccess {
    const handler = ctx.getHandler();
    let access = this.access.get(handler);
    if (access === undefined) {
      access = {
        public: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, ctx.getClass()]) === true,
        permission: this.reflector.get<Permission | undefined>(REQUIRED_PERMISSION, handler),
      };
      this.access.set(handler, access);
    }
    return access;
  }
}

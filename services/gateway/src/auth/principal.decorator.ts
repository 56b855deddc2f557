import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import type { AuthenticatedRequest } from './auth.guard.js';
import type { Principal } from './principal.js';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new AppError(ErrorCode.Unauthenticated, 'not authenticated');
  return principal;
});

export function callerOf(principal: Principal) {
  return { subject: principal.subject, roles: principal.roles, permissions: principal.permissions };
}

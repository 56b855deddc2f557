import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, errors as joseErrors } from 'jose';
import { isTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AUTH_CONFIG, type AuthConfig } from './auth.tokens.js';
import type { Principal } from './principal.js';

const stringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Verifies `Authorization: Bearer <JWT>` (HS256) and turns its claims into a Principal. */
@Injectable()
export class TokenVerifier {
  private readonly key: Uint8Array;

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  async verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new AppError(ErrorCode.Unauthenticated, 'missing Authorization: Bearer <token> header');
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization.trim());
    if (!match?.[1]) throw new AppError(ErrorCode.Unauthenticated, 'Authorization header must be "Bearer <JWT>"');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], this.key, {
        algorithms: ['HS256'],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: this.config.clockToleranceSec,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      const reason =
        error instanceof joseErrors.JWTExpired
          ? 'token has expired'
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `token claim "${error.claim}" is invalid`
            : 'token signature or format is invalid';
      throw new AppError(ErrorCode.Unauthenticated, reason);
    }
    const tenant = payload['tenant'];
    if (typeof tenant !== 'string' || !isTenantId(tenant)) throw new AppError(ErrorCode.Unauthenticated, 'token has no valid "tenant" claim');
    const roles = payload['roles'] ?? [];
    const permissions = payload['permissions'] ?? [];
    if (!stringArray(roles)) throw new AppError(ErrorCode.Unauthenticated, 'token claim "roles" must be an array of strings');
    if (!stringArray(permissions)) throw new AppError(ErrorCode.Unauthenticated, 'token claim "permissions" must be an array of strings');
    return { subject: payload.sub as string, tenantId: tenant, roles, permissions };
  }
}

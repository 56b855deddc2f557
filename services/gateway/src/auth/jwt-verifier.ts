import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { isTenantId, permissionsOf, type TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { isSymmetric, type AuthSettings } from '../config.js';
import { AuthenticationError } from './authentication-error.js';
import type { Principal } from './principal.js';

const stringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

function trustedTenantOf(payload: JWTPayload | undefined): { tenantId?: TenantId; subject?: string } {
  const tenant = payload?.['tenant'];
  return {
    ...(typeof tenant === 'string' && isTenantId(tenant) ? { tenantId: tenant } : {}),
    ...(typeof payload?.sub === 'string' ? { subject: payload.sub } : {}),
  };
}

/**
 * Verifies a bearer JWT: HS* with AF_JWT_SECRET and/or asymmetric algorithms with the keys of
 * AF_JWT_JWKS_URL (jose's `createRemoteJWKSet`: cached, refetched on an unknown `kid`). The
 * token's `alg` must be in the allowlist, and it picks the key *kind*: an HS256 token is never
 * checked against a JWKS key, nor an RS256 token against the secret (algorithm confusion), and
 * `none` is never accepted. iss, aud, exp and nbf are checked (clock tolerance configurable).
 */
export class JwtVerifier {
  private readonly secret: Uint8Array | undefined;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly config: AuthSettings) {
    this.secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
    this.jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 }) : undefined;
  }

  async verify(token: string): Promise<Principal> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthenticationError('malformed', 'token signature or format is invalid');
    }
    if (typeof alg !== 'string' || !(this.config.algorithms as readonly string[]).includes(alg)) {
      throw new AuthenticationError('algorithm', `token algorithm ${JSON.stringify(String(alg)).slice(0, 20)} is not accepted (allowed: ${this.config.algorithms.join(', ')})`);
    }
    const options = {
      algorithms: [alg],
      issuer: this.config.issuer,
      audience: this.config.audience,
      clockTolerance: this.config.clockToleranceSec,
      requiredClaims: ['sub', 'exp'],
    };
    let payload: JWTPayload;
    try {
      if (isSymmetric(alg)) {
        if (!this.secret) throw new AuthenticationError('algorithm', `token algorithm "${alg}" is not accepted`);
        ({ payload } = await jwtVerify(token, this.secret, options));
      } else {
        if (!this.jwks) throw new AuthenticationError('algorithm', `token algorithm "${alg}" is not accepted`);
        ({ payload } = await jwtVerify(token, this.jwks, options));
      }
    } catch (error) {
      throw this.translate(error);
    }
    const tenant = payload['tenant'];
    if (typeof tenant !== 'string' || !isTenantId(tenant)) throw new AuthenticationError('no_tenant', 'token has no valid "tenant" claim');
    const roles = payload['roles'] ?? [];
    const explicit = payload['permissions'] ?? [];
    if (!stringArray(roles)) throw new AuthenticationError('claims', 'token claim "roles" must be an array of strings', { tenantId: tenant });
    if (!stringArray(explicit)) throw new AuthenticationError('claims', 'token claim "permissions" must be an array of strings', { tenantId: tenant });
    return { subject: payload.sub as string, tenantId: tenant, roles, permissions: permissionsOf(roles, explicit) };
  }

  private translate(error: unknown): Error {
    if (error instanceof AuthenticationError) return error;
    // The signature verified; only the claims failed: the tenant in them is the issuer's word.
    if (error instanceof joseErrors.JWTExpired) return new AuthenticationError('expired', 'token has expired', trustedTenantOf(error.payload));
    if (error instanceof joseErrors.JWTClaimValidationFailed) return new AuthenticationError('claims', `token claim "${error.claim}" is invalid`, trustedTenantOf(error.payload));
    if (error instanceof joseErrors.JWKSTimeout) return new AppError(ErrorCode.Unavailable, 'the identity provider\'s JWKS did not answer in time; retry shortly', { cause: error });
    if (error instanceof joseErrors.JOSEError) return new AuthenticationError(error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey ? 'bad_signature' : 'malformed', 'token signature or format is invalid');
    // Anything else is the JWKS fetch failing (network, status): not the caller's fault.
    return new AppError(ErrorCode.Unavailable, `the identity provider's JWKS cannot be fetched (${(error as Error).message})`, { cause: error });
  }
}

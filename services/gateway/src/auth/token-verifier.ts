import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import { AUTH_CONFIG, type AuthConfig } from './auth.tokens.js';
import { API_KEY_PREFIX, API_KEY_VERIFIER, type ApiKeyVerifier } from './api-key-verifier.js';
import { AuthenticationError } from './authentication-error.js';
import { JwtVerifier } from './jwt-verifier.js';
import type { Principal } from './principal.js';

/** Three base64url segments; an empty signature (alg "none") gets as far as the algorithm allowlist, which refuses it by name. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Verified JWTs kept (by SHA-256 of the token), and for how long at most. */
export const JWT_CACHE_MAX = 10_000;
export const JWT_CACHE_TTL_MS = 60_000;

interface VerifiedJwt {
  principal: Principal;
  /** Epoch ms after which the entry is not used: min(the token's exp, cached at + JWT_CACHE_TTL_MS). */
  validUntil: number;
}

/**
 * Verifies `Authorization: Bearer <JWT | afk_ API key>` and turns it into a Principal.
 *
 * A JWT that verified is remembered (LRU, at most JWT_CACHE_MAX tokens, keyed by the token's
 * SHA-256) until its `exp` or for JWT_CACHE_TTL_MS, whichever comes first: the same token on the
 * next requests skips signature and claim checks. Only successes are cached, so every refusal is
 * still decided (and worded) by the full check, and an expired token is never served from the
 * cache. Caveat: a signing key removed from the JWKS (or a token revoked at the identity
 * provider) is still accepted for up to JWT_CACHE_TTL_MS for tokens already seen; changing
 * AF_JWT_SECRET needs a restart, which empties the cache.
 */
@Injectable()
export class TokenVerifier {
  private readonly jwt: JwtVerifier;
  private readonly verified = new LRUCache<string, VerifiedJwt>({ max: JWT_CACHE_MAX });

  constructor(
    @Inject(AUTH_CONFIG) config: AuthConfig,
    @Inject(API_KEY_VERIFIER) private readonly apiKeys: ApiKeyVerifier,
  ) {
    this.jwt = new JwtVerifier(config);
  }

  async verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new AuthenticationError('missing', 'missing Authorization: Bearer <token> header');
    const match = /^Bearer\s+(\S+)$/.exec(authorization.trim());
    const credential = match?.[1];
    if (credential?.startsWith(API_KEY_PREFIX)) return this.apiKeys.verify(credential);
    if (!credential || !JWT_SHAPE.test(credential)) throw new AuthenticationError('malformed', 'Authorization header must be "Bearer <JWT>" or "Bearer afk_<API key>"');
    return this.verifyJwt(credential);
  }

  private async verifyJwt(token: string): Promise<Principal> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const hit = this.verified.get(key);
    if (hit !== undefined) {
      // A copy: whoever holds a request's principal cannot change the cached one.
      if (now < hit.validUntil) return copyOf(hit.principal);
      this.verified.delete(key);
    }
    const principal = await this.jwt.verify(token);
    const exp = expiryOf(token);
    // A token that verified has an exp (a required claim); without a readable one, nothing is cached.
    if (exp !== undefined) {
      const validUntil = Math.min(exp * 1000, now + JWT_CACHE_TTL_MS);
      if (validUntil > now) this.verified.set(key, { principal: copyOf(principal), validUntil });
    }
    return principal;
  }
}

function copyOf(principal: Principal): Principal {
  return { ...principal, roles: [...principal.roles], permissions: [...principal.permissions] };
}

/** The `exp` claim of a token whose signature and claims were just verified. */
function expiryOf(token: string): number | undefined {
  try {
    const exp = (decodeJwt(token) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

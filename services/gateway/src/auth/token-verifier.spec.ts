import { describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ErrorCode } from '@af/errors';
import { TokenVerifier } from './token-verifier.js';

const config = { jwtSecret: 's'.repeat(40), issuer: 'agent-factory', audience: 'agent-factory-api', clockToleranceSec: 0 };
const sut = new TokenVerifier(config);

function sign(claims: Record<string, unknown>, opts: { key?: string; exp?: string; iss?: string; alg?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .setSubject('alice')
    .setIssuer(opts.iss ?? config.issuer)
    .setAudience(config.audience)
    .setExpirationTime(opts.exp ?? '5m')
    .sign(new TextEncoder().encode(opts.key ?? config.jwtSecret));
}

describe(TokenVerifier.name, () => {
  it('turns a valid token into a principal', async () => {
    const token = await sign({ tenant: 'acme', roles: ['Administrator'], permissions: ['CrossOrgAccess'] });
    await expect(sut.verify(`Bearer ${token}`)).resolves.toEqual({ subject: 'alice', tenantId: 'acme', roles: ['Administrator'], permissions: ['CrossOrgAccess'] });
  });

  it.each([
    ['no header', undefined, 'missing Authorization'],
    ['not bearer', 'Basic abc', 'must be "Bearer <JWT>"'],
    ['garbage', 'Bearer a.b.c', 'signature or format'],
  ])('refuses %s', async (_, header, message) => {
    await expect(sut.verify(header)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated, message: expect.stringContaining(message) });
  });

  it('refuses a wrong key, an expired token, a wrong issuer, a bad tenant and bad roles', async () => {
    const cases = [
      [await sign({ tenant: 'acme' }, { key: 'k'.repeat(40) }), 'signature or format'],
      [await sign({ tenant: 'acme' }, { exp: '-1m' }), 'token has expired'],
      [await sign({ tenant: 'acme' }, { iss: 'someone-else' }), 'claim "iss"'],
      [await sign({ tenant: 'ACME!' }), 'tenant'],
      [await sign({}), 'tenant'],
      [await sign({ tenant: 'acme', roles: 'Administrator' }), 'roles'],
    ] as const;
    for (const [token, message] of cases) {
      await expect(sut.verify(`Bearer ${token}`)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated, message: expect.stringContaining(message) });
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ErrorCode } from '@af/errors';
import type { AuthSettings } from '../config.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';
import { AuthenticationError } from './authentication-error.js';
import { JwtVerifier } from './jwt-verifier.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 's'.repeat(40);
const base = { jwtSecret: SECRET, jwksUrl: '', algorithms: ['HS256'], issuer: 'agent-factory', audience: 'agent-factory-api', clockToleranceSec: 0, failureAuditWindowMs: 60_000 } satisfies AuthSettings;

/** Stands in for the API-key feature (its own tests run against PostgreSQL): records what it was asked. */
class RecordingApiKeys implements ApiKeyVerifier {
  readonly seen: string[] = [];
  verify(key: string) {
    this.seen.push(key);
    return Promise.resolve({ subject: 'apikey:k', tenantId: 'acme' as never, roles: ['Viewer'], permissions: ['ViewAgents' as const], apiKeyId: 'k' });
  }
}

function sign(claims: Record<string, unknown>, opts: { key?: Uint8Array | CryptoKey; exp?: string; iss?: string; aud?: string; alg?: string; kid?: string; nbf?: string } = {}) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', ...(opts.kid ? { kid: opts.kid } : {}) })
    .setSubject('alice')
    .setIssuer(opts.iss ?? base.issuer)
    .setAudience(opts.aud ?? base.audience)
    .setExpirationTime(opts.exp ?? '5m');
  if (opts.nbf) jwt.setNotBefore(opts.nbf);
  return jwt.sign(opts.key ?? new TextEncoder().encode(SECRET));
}

const refusal = (message: string, reason?: string) => expect.objectContaining({ code: ErrorCode.Unauthenticated, message: expect.stringContaining(message), ...(reason ? { reason } : {}) });

describe(TokenVerifier.name, () => {
  const apiKeys = new RecordingApiKeys();
  const sut = new TokenVerifier(base, apiKeys);

  it('turns a valid token into a principal whose permissions are those of its roles plus explicit grants', async () => {
    const token = await sign({ tenant: 'acme', roles: ['Viewer'], permissions: ['CrossOrgAccess', 'NotAPermission'] });
    await expect(sut.verify(`Bearer ${token}`)).resolves.toEqual({
      subject: 'alice',
      tenantId: 'acme',
      roles: ['Viewer'],
      permissions: ['ViewAgents', 'ViewRuns', 'ViewEscalations', 'ViewMesh', 'CrossOrgAccess'],
    });
  });

  it('gives a token without roles no permission at all', async () => {
    await expect(sut.verify(`Bearer ${await sign({ tenant: 'acme' })}`)).resolves.toMatchObject({ roles: [], permissions: [] });
  });

  it('hands afk_ bearer values to the API-key verifier, never to the JWT parser', async () => {
    await expect(sut.verify('Bearer afk_0123_abc')).resolves.toMatchObject({ subject: 'apikey:k', apiKeyId: 'k' });
    expect(apiKeys.seen).toEqual(['afk_0123_abc']);
  });

  it.each([
    ['no header', undefined, 'missing Authorization', 'missing'],
    ['not bearer', 'Basic abc', 'must be "Bearer <JWT>"', 'malformed'],
    ['garbage', 'Bearer a.b.c', 'signature or format', 'malformed'],
  ])('refuses %s', async (_, header, message, reason) => {
    await expect(sut.verify(header)).rejects.toEqual(refusal(message, reason));
  });

  it('refuses a wrong key, an expired token, a wrong issuer or audience, a future nbf, a bad tenant and bad roles', async () => {
    const cases = [
      [await sign({ tenant: 'acme' }, { key: new TextEncoder().encode('k'.repeat(40)) }), 'signature or format', 'bad_signature'],
      [await sign({ tenant: 'acme' }, { exp: '-1m' }), 'token has expired', 'expired'],
      [await sign({ tenant: 'acme' }, { iss: 'someone-else' }), 'claim "iss"', 'claims'],
      [await sign({ tenant: 'acme' }, { aud: 'another-api' }), 'claim "aud"', 'claims'],
      [await sign({ tenant: 'acme' }, { nbf: '10m' }), 'claim "nbf"', 'claims'],
      [await sign({ tenant: 'ACME!' }), 'tenant', 'no_tenant'],
      [await sign({}), 'tenant', 'no_tenant'],
      [await sign({ tenant: 'acme', roles: 'Administrator' }), 'roles', 'claims'],
    ] as const;
    for (const [token, message, reason] of cases) await expect(sut.verify(`Bearer ${token}`)).rejects.toEqual(refusal(message, reason));
  });

  it('trusts the tenant of a token whose signature verified (expired), never of one whose signature did not', async () => {
    const expired = await sut.verify(`Bearer ${await sign({ tenant: 'acme' }, { exp: '-1m' })}`).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect((expired as AuthenticationError).trusted).toEqual({ tenantId: 'acme', subject: 'alice' });
    const forged = await sut.verify(`Bearer ${await sign({ tenant: 'acme' }, { key: new TextEncoder().encode('f'.repeat(40)) })}`).catch((e: unknown) => e);
    expect((forged as AuthenticationError).trusted).toEqual({});
  });

  it('refuses alg "none" and algorithms outside the allowlist', async () => {
    const unsecured = new UnsecuredJWT({ tenant: 'acme', roles: ['Administrator'] }).setSubject('eve').setIssuer(base.issuer).setAudience(base.audience).setExpirationTime('5m').encode();
    await expect(sut.verify(`Bearer ${unsecured}`)).rejects.toEqual(refusal('algorithm "none" is not accepted', 'algorithm'));
    const hs512 = await sign({ tenant: 'acme' }, { alg: 'HS512', key: new TextEncoder().encode('s'.repeat(64)) });
    await expect(sut.verify(`Bearer ${hs512}`)).rejects.toEqual(refusal('algorithm "HS512" is not accepted', 'algorithm'));
  });
});

describe(`${TokenVerifier.name} with a JWKS URL`, () => {
  let server: Server;
  let url: string;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let requests = 0;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((req, res) => {
      requests++;
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const jwks = (over: Partial<AuthSettings> = {}) => new TokenVerifier({ ...base, jwtSecret: '', jwksUrl: url, algorithms: ['RS256', 'ES256'], ...over }, new RecordingApiKeys());

  it('accepts RS256 and ES256 tokens signed by a key of the set, fetching the set once', async () => {
    const sut = jwks();
    const before = requests;
    await expect(sut.verify(`Bearer ${await sign({ tenant: 'acme', roles: ['Developer'] }, { alg: 'RS256', kid: 'rsa-1', key: rsa.privateKey })}`)).resolves.toMatchObject({ tenantId: 'acme', roles: ['Developer'] });
    await expect(sut.verify(`Bearer ${await sign({ tenant: 'acme' }, { alg: 'ES256', kid: 'ec-1', key: ec.privateKey })}`)).resolves.toMatchObject({ subject: 'alice' });
    expect(requests - before).toBe(1);
  });

  it('refuses a token signed by a key outside the set, and an expired or foreign-audience one', async () => {
    const sut = jwks();
    const stranger = await generateKeyPair('RS256');
    await expect(sut.verify(`Bearer ${await sign({ tenant: 'acme' }, { alg: 'RS256', kid: 'rsa-1', key: stranger.privateKey })}`)).rejects.toEqual(refusal('signature or format', 'bad_signature'));
    await expect(sut.verify(`Bearer ${await sign({ tenant: 'acme' }, { alg: 'RS256', kid: 'rsa-1', key: rsa.privateKey, exp: '-1m' })}`)).rejects.toEqual(refusal('expired', 'expired'));
    await expect(sut.verify(`Bearer ${await sign({ tenant: 'acme' }, { alg: 'RS256', kid: 'rsa-1', key: rsa.privateKey, aud: 'x' })}`)).rejects.toEqual(refusal('claim "aud"', 'claims'));
  });

  it('refuses algorithm confusion: an HS256 token keyed with the public RSA key', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const confused = await sign({ tenant: 'acme', roles: ['Administrator'] }, { alg: 'HS256', key: pem });
    await expect(jwks().verify(`Bearer ${confused}`)).rejects.toEqual(refusal('algorithm "HS256" is not accepted', 'algorithm'));
    // Even with HS256 allowed (a secret configured too), the token is checked against the secret, never the JWKS.
    await expect(jwks({ jwtSecret: SECRET, algorithms: ['HS256', 'RS256'] }).verify(`Bearer ${confused}`)).rejects.toEqual(refusal('signature or format', 'bad_signature'));
  });

  it('answers 503 UNAVAILABLE, not 401, when the JWKS cannot be fetched', async () => {
    const sut = new TokenVerifier({ ...base, jwtSecret: '', jwksUrl: 'http://127.0.0.1:9/jwks.json', algorithms: ['RS256'] }, new RecordingApiKeys());
    const token = await sign({ tenant: 'acme' }, { alg: 'RS256', kid: 'rsa-1', key: rsa.privateKey });
    await expect(sut.verify(`Bearer ${token}`)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });
});

describe(`${TokenVerifier.name} cache of verified tokens`, () => {
  it('verifies a token once, then answers it from the cache with a copy of the principal', async () => {
    const sut = new TokenVerifier(base, new RecordingApiKeys());
    const full = jest.spyOn(JwtVerifier.prototype, 'verify');
    try {
      const token = await sign({ tenant: 'acme', roles: ['Viewer'] });
      const first = await sut.verify(`Bearer ${token}`);
      first.permissions.push('ManageKeys');
      const second = await sut.verify(`Bearer ${token}`);
      expect(second).toEqual({ subject: 'alice', tenantId: 'acme', roles: ['Viewer'], permissions: ['ViewAgents', 'ViewRuns', 'ViewEscalations', 'ViewMesh'] });
      expect(full).toHaveBeenCalledTimes(1);
    } finally {
      full.mockRestore();
    }
  });

  it('never caches a refusal: the same bad token is checked, and refused alike, every time', async () => {
    const sut = new TokenVerifier(base, new RecordingApiKeys());
    const full = jest.spyOn(JwtVerifier.prototype, 'verify');
    try {
      const forged = await sign({ tenant: 'acme' }, { key: new TextEncoder().encode('k'.repeat(40)) });
      for (let i = 0; i < 2; i++) await expect(sut.verify(`Bearer ${forged}`)).rejects.toEqual(refusal('signature or format', 'bad_signature'));
      expect(full).toHaveBeenCalledTimes(2);
    } finally {
      full.mockRestore();
    }
  });

  it('never serves a token past its exp: a cached token that expires is refused as expired', async () => {
    const sut = new TokenVerifier(base, new RecordingApiKeys());
    const exp = Math.floor(Date.now() / 1000) + 1;
    const token = await new SignJWT({ tenant: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(base.issuer).setAudience(base.audience).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
    await expect(sut.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenantId: 'acme' });
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    await expect(sut.verify(`Bearer ${token}`)).rejects.toEqual(refusal('token has expired', 'expired'));
  });
});

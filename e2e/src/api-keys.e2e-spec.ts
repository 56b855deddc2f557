import { describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { api, createAndDeploy, mintToken, newTenant, until, type ApiResponse } from './client.js';

const KEY_FORMAT = /^afk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/;

/** Reads the tenant's audit log until a record of `action` on `resourceId` is there (audit is asynchronous). */
function auditOf(token: string, action: string, resourceId: string): Promise<ApiResponse> {
  return until(
    () => api('GET', `/v1/audit?action=${action}&resourceId=${resourceId}`, { token }),
    (res) => res.status !== 200 || (res.body['items'] as unknown[]).length > 0,
    15_000,
  );
}

/** API keys and rate limits through the gateway against the running mesh. */
describe('API keys against the running mesh', () => {
  it('an Administrator creates a key shown once; it authenticates as Bearer afk_…; the list never shows it; another tenant cannot revoke it; revoked → 401; audited', async () => {
    const tenant = newTenant();
    const admin = await mintToken({ tenant, roles: ['Administrator'], sub: 'ada@acme.test' });

    const created = await api('POST', '/v1/api-keys', { token: admin, body: { name: 'ci pipeline', roles: ['Developer'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci pipeline', roles: ['Developer'], createdBy: 'ada@acme.test', expiresAt: null, revokedAt: null, lastUsedAt: null });
    const key = String(created.body['key']);
    const id = String(created.body['id']);
    expect(key).toMatch(KEY_FORMAT);
    expect(key.startsWith(String(created.body['prefix']))).toBe(true);

    // The key works, with its own roles: a Developer may create a blueprint, not list keys or read the audit.
    expect((await api('GET', '/v1/blueprints', { token: key })).status).toBe(200);
    const made = await api('POST', '/v1/blueprints', { token: key, body: leadQualifier({ name: 'made-by-key' }) });
    expect(made.status).toBe(201);
    const listedByKey = await api('GET', '/v1/api-keys', { token: key });
    expect(listedByKey.status).toBe(403);
    expect(listedByKey.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'ManageKeys' } });
    // The key acts as apikey:<id> (the audit's actor of what it did).
    const madeAudit = await auditOf(admin, 'blueprint.created', 'made-by-key');
    expect(madeAudit.body['items']).toEqual([expect.objectContaining({ actor: `apikey:${id}` })]);

    // The list shows the key's metadata, never the key.
    const listed = await api('GET', '/v1/api-keys', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body['items']).toEqual([expect.objectContaining({ id, name: 'ci pipeline', roles: ['Developer'], revokedAt: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(key.lastIndexOf('_') + 1));
    expect(listed.body['items']).toEqual([expect.not.objectContaining({ key: expect.anything() })]);

    // Another tenant's Administrator cannot revoke it (404), and the key still works.
    const stranger = await mintToken({ tenant: newTenant(), roles: ['Administrator'] });
    const foreign = await api('DELETE', `/v1/api-keys/${id}`, { token: stranger });
    expect(foreign.status).toBe(404);
    expect((await api('GET', '/v1/api-keys', { token: stranger })).body['items']).toEqual([]);
    expect((await api('GET', '/v1/blueprints', { token: key })).status).toBe(200);

    const revoked = await api('DELETE', `/v1/api-keys/${id}`, { token: admin });
    expect(revoked.status).toBe(204);
    const refused = await api('GET', '/v1/blueprints', { token: key });
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('UNAUTHENTICATED');
    expect((await api('DELETE', `/v1/api-keys/${id}`, { token: admin })).status).toBe(204);
    expect((await api('GET', '/v1/api-keys', { token: admin })).body['items']).toEqual([expect.objectContaining({ id, revokedAt: expect.any(String) })]);
    // A forged key of the same id is refused as well.
    expect((await api('GET', '/v1/blueprints', { token: `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` })).status).toBe(401);

    const createdAudit = await auditOf(admin, 'apikey.created', id);
    expect(createdAudit.body['items']).toEqual([expect.objectContaining({ action: 'apikey.created', actor: 'ada@acme.test', resourceId: id, outcome: 'success', details: expect.objectContaining({ name: 'ci pipeline', roles: ['Developer'] }) })]);
    const revokedAudit = await auditOf(admin, 'apikey.revoked', id);
    expect(revokedAudit.body['items']).toEqual([expect.objectContaining({ action: 'apikey.revoked', actor: 'ada@acme.test', resourceId: id })]);
    expect(JSON.stringify((await api('GET', '/v1/audit?limit=200', { token: admin })).body)).not.toContain(key);
  }, 60_000);

  it('a key whose expiresAt has passed → 401', async () => {
    const admin = await mintToken({ tenant: newTenant(), roles: ['Administrator'] });
    const expiresAt = new Date(Date.now() + 3_000);
    const created = await api('POST', '/v1/api-keys', { token: admin, body: { name: 'short-lived', roles: ['Viewer'], expiresAt: expiresAt.toISOString() } });
    expect(created.status).toBe(201);
    expect(Date.parse(String(created.body['expiresAt']))).toBe(expiresAt.getTime());
    const key = String(created.body['key']);
    expect((await api('GET', '/v1/blueprints', { token: key })).status).toBe(200);

    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now()) + 300));
    const expired = await api('GET', '/v1/blueprints', { token: key });
    expect(expired.status).toBe(401);
    expect(expired.body.error?.code).toBe('UNAUTHENTICATED');
    // An expiry in the past is refused at creation.
    const past = await api('POST', '/v1/api-keys', { token: admin, body: { name: 'dead', roles: ['Viewer'], expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/expiresAt' });
  }, 30_000);

  it('no role escalation: a ProductManager cannot mint keys at all, and one allowed to manage keys cannot mint an Administrator key', async () => {
    const tenant = newTenant();
    const pm = await mintToken({ tenant, roles: ['ProductManager'], sub: 'pat@acme.test' });
    const plain = await api('POST', '/v1/api-keys', { token: pm, body: { name: 'mine', roles: ['ProductManager'] } });
    expect(plain.status).toBe(403);
    expect(plain.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'ManageKeys' } });

    // Granted ManageKeys explicitly, the PM may hand out what it holds, not more.
    const keyManager = await mintToken({ tenant, roles: ['ProductManager'], permissions: ['ManageKeys'], sub: 'pat@acme.test' });
    const admin = await api('POST', '/v1/api-keys', { token: keyManager, body: { name: 'root', roles: ['Administrator'] } });
    expect(admin.status).toBe(403);
    expect(admin.body.error).toMatchObject({ code: 'PERMISSION_DENIED', path: '/roles/0' });
    const developer = await api('POST', '/v1/api-keys', { token: keyManager, body: { name: 'dev', roles: ['ProductManager', 'Developer'] } });
    expect(developer.status).toBe(403);
    expect(developer.body.error).toMatchObject({ code: 'PERMISSION_DENIED', path: '/roles/1' });
    const own = await api('POST', '/v1/api-keys', { token: keyManager, body: { name: 'pm', roles: ['ProductManager'] } });
    expect(own.status).toBe(201);
    const listed = await api('GET', '/v1/api-keys', { token: keyManager });
    expect((listed.body['items'] as Array<{ roles: string[] }>).map((k) => k.roles)).toEqual([['ProductManager']]);
    // Client-owned fields are refused, not ignored.
    const massAssigned = await api('POST', '/v1/api-keys', { token: keyManager, body: { name: 'x', roles: ['Viewer'], tenantId: 'other' } });
    expect(massAssigned.status).toBe(400);
    expect(massAssigned.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/tenantId' });
  }, 30_000);

  it('rate limit: a burst over an API key\'s limit → 429 RATE_LIMITED with Retry-After and RateLimit-*; another principal is unaffected; the key passes again after Retry-After', async () => {
    // scripts/mesh.sh puts the tenant e2e-limited on the free plan with a burst of 5 requests per 1 s.
    const admin = await mintToken({ tenant: 'e2e-limited', roles: ['Administrator'], sub: `limits-${Date.now()}@acme.test` });
    const created = await api('POST', '/v1/api-keys', { token: admin, body: { name: `burst ${Date.now()}`, roles: ['Viewer'] } });
    expect(created.status).toBe(201);
    const key = String(created.body['key']);

    const burst = await Promise.all(Array.from({ length: 12 }, () => api('GET', '/v1/blueprints?limit=1', { token: key })));
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(12);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(5);
    expect(limited.length).toBeGreaterThanOrEqual(7);
    const refused = limited[0]!;
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { plan: 'free', limit: 5, windowSeconds: 1 } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-policy')).toBe('5;w=1, 300;w=60');
    expect(ok[0]!.headers.get('ratelimit-limit')).toEqual(expect.any(String));

    // The admin's own principal (its token) has a bucket of its own.
    expect((await api('GET', '/v1/blueprints?limit=1', { token: admin })).status).toBe(200);

    await new Promise((r) => setTimeout(r, retryAfter * 1_000 + 100));
    expect((await api('GET', '/v1/blueprints?limit=1', { token: key })).status).toBe(200);
  }, 30_000);

  it('run quota: once the tenant\'s monthly runs are used up, a submission → 429 QUOTA_EXCEEDED with Retry-After; reads go on', async () => {
    // scripts/mesh.sh puts the tenant e2e-quota on a plan of 2 runs a month. The count lives in Redis for
    // the whole month, so an earlier e2e run may have used it up already: at most 2 of these are accepted.
    const admin = await mintToken({ tenant: 'e2e-quota', roles: ['Administrator'] });
    const name = `quota-${Date.now().toString(36)}`;
    await createAndDeploy(admin, leadQualifier({ name }));
    const statuses: number[] = [];
    let refused: ApiResponse | undefined;
    for (let i = 0; i < 3 && !refused; i++) {
      const res = await api('POST', `/v1/agents/${name}/runs`, { token: admin, body: { input: { message: `run ${i}` } } });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(2);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 202)).toBe(true);
    const period = new Date().toISOString().slice(0, 7);
    expect(refused!.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 2, period, plan: 'pro' } });
    const retryAfter = Number(refused!.headers.get('retry-after'));
    const monthEnd = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1);
    expect(Math.abs(retryAfter - (monthEnd - Date.now()) / 1_000)).toBeLessThan(60);
    // Only submissions are refused.
    expect((await api('GET', `/v1/blueprints/${name}`, { token: admin })).status).toBe(200);
  }, 30_000);
});

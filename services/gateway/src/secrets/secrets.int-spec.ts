import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { startServiceProcess, testTenant, type ServiceProcess } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: { permission?: string } };
}

/** A value no response may ever contain. */
const VALUE = `sk-live-${randomBytes(12).toString('hex')}`;

/** /v1/secrets through the real gateway and the real secrets service (its own process, its own master key). */
describe('gateway /v1/secrets against the real secrets service', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let secrets: ServiceProcess;
  const tenant = testTenant();
  const other = testTenant();
  const token = (sub: string, roles: string[], t = tenant) =>
    new SignJWT({ tenant: t, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));
  const bearers: Record<string, string> = {};

  beforeAll(async () => {
    [secrets, gw] = await Promise.all([
      startServiceProcess('secrets', { SECRETS_MASTER_KEYS: JSON.stringify({ k1: randomBytes(32).toString('base64') }), SECRETS_ACTIVE_MASTER_KEY: 'k1' }),
      startGateway(),
    ]);
    bearers['viewer'] = await token('vera', ['Viewer']);
    bearers['pm'] = await token('pat', ['ProductManager']);
    bearers['dev'] = await token('dora', ['Developer']);
    bearers['otherDev'] = await token('dora', ['Developer'], other);
  }, 90_000);

  afterAll(async () => {
    await gw?.service.close();
    await secrets?.stop();
  });

  const call = async (who: string, path: string, init: { method?: string; body?: unknown; raw?: string } = {}) => {
    const body = init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
    const res = await fetch(gw.url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${bearers[who]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> & ErrorBody };
  };

  it('PUT creates (201) then rotates (200); GET and the list answer metadata, never the value; DELETE answers the removed one, then 404', async () => {
    const created = await call('dev', '/v1/secrets/CRM_API_KEY', { method: 'PUT', body: { value: VALUE, description: 'the CRM key' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'CRM_API_KEY', version: 1, description: 'the CRM key', size: VALUE.length, createdAt: expect.any(String), updatedAt: expect.any(String), updatedBy: 'dora' });
    const rotated = await call('dev', '/v1/secrets/CRM_API_KEY', { method: 'PUT', body: { value: `${VALUE}-2` } });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ name: 'CRM_API_KEY', version: 2, size: VALUE.length + 2 });

    const one = await call('dev', '/v1/secrets/CRM_API_KEY');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ name: 'CRM_API_KEY', version: 2 });
    expect(Object.keys(one.body).sort()).toEqual(['createdAt', 'description', 'name', 'size', 'updatedAt', 'updatedBy', 'version']);
    const list = await call('dev', '/v1/secrets');
    expect(list.body['items']).toEqual([expect.objectContaining({ name: 'CRM_API_KEY', version: 2 })]);
    for (const res of [created, rotated, one, list]) expect(res.text).not.toContain(VALUE);

    const removed = await call('dev', '/v1/secrets/CRM_API_KEY', { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ name: 'CRM_API_KEY', version: 2 });
    expect((await call('dev', '/v1/secrets/CRM_API_KEY')).status).toBe(404);
    expect((await call('dev', '/v1/secrets/CRM_API_KEY', { method: 'DELETE' })).status).toBe(404);
  });

  it('another tenant’s secret is 404 to read and to delete, and absent from its list', async () => {
    await call('dev', '/v1/secrets/SHARED_NAME', { method: 'PUT', body: { value: VALUE } });
    expect((await call('otherDev', '/v1/secrets/SHARED_NAME')).status).toBe(404);
    expect((await call('otherDev', '/v1/secrets/SHARED_NAME', { method: 'DELETE' })).status).toBe(404);
    expect((await call('otherDev', '/v1/secrets')).body['items']).toEqual([]);
    expect((await call('dev', '/v1/secrets/SHARED_NAME')).body).toMatchObject({ version: 1 });
  });

  it('refuses bad names and bodies with 400 at the path at fault, and no error echoes the value', async () => {
    const cases: [string, unknown, string][] = [
      ['/v1/secrets/9starts-with-digit', { value: VALUE }, '/name'],
      ['/v1/secrets/bad%20name', { value: VALUE }, '/name'],
      ['/v1/secrets/bad*name', { value: VALUE }, '/name'],
      ['/v1/secrets/K', {}, '/value'],
      ['/v1/secrets/K', { value: '' }, '/value'],
      ['/v1/secrets/K', { value: 42 }, '/value'],
      ['/v1/secrets/K', { value: VALUE.repeat(1 + Math.ceil(16_384 / VALUE.length)) }, '/value'],
      ['/v1/secrets/K', { value: VALUE, description: 'd'.repeat(501) }, '/description'],
      ['/v1/secrets/K', { value: VALUE, version: 7 }, '/version'],
      ['/v1/secrets/K', VALUE, ''],
    ];
    for (const [path, body, at] of cases) {
      const res = await call('dev', path, { method: 'PUT', body });
      expect({ path, at, status: res.status, code: res.body.error?.code, errorPath: res.body.error?.path }).toEqual({ path, at, status: 400, code: 'INVALID_ARGUMENT', errorPath: at });
      expect(res.text).not.toContain(VALUE);
    }
  });

  it('needs ManageSecrets: a Viewer and a ProductManager get 403 on every route', async () => {
    for (const who of ['viewer', 'pm']) {
      for (const [method, path] of [
        ['GET', '/v1/secrets'],
        ['GET', '/v1/secrets/K'],
        ['PUT', '/v1/secrets/K'],
        ['DELETE', '/v1/secrets/K'],
      ] as const) {
        const res = await call(who, path, { method, body: method === 'PUT' ? { value: VALUE } : undefined });
        expect({ who, method, path, status: res.status, permission: res.body.error?.details?.permission }).toEqual({ who, method, path, status: 403, permission: 'ManageSecrets' });
        expect(res.text).not.toContain(VALUE);
      }
    }
  });
});

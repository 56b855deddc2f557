import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBinary } from '@bufbuild/protobuf';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { SignJWT } from 'jose';
import pg from 'pg';
import { AuditEventSchema, Headers } from '@af/contracts';
import { connectNats, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { startGateway, TEST_PEPPER, TEST_SECRET } from '../test/harness.js';

const token = (tenant: string, roles: string[], subject: string) =>
  new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));

interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('API keys through the gateway (real PostgreSQL and NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: pg.Client;
  const tenant = testTenant();
  const otherTenant = testTenant();
  let admin: string;
  let pm: string;
  let otherAdmin: string;

  beforeAll(async () => {
    // lastUsedAt written every 200 ms (instead of once a minute) so the test sees it.
    gw = await startGateway({ env: { AF_API_KEY_LAST_USED_FLUSH_MS: '200', AF_API_KEY_CACHE_TTL_MS: '30000' } });
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'audit', instanceId: 'api-keys-test' });
    jsm = await jetstreamManager(nc);
    db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();
    [admin, pm, otherAdmin] = await Promise.all([token(tenant, ['Administrator'], 'admin@acme.test'), token(tenant, ['ProductManager'], 'pm@acme.test'), token(otherTenant, ['Administrator'], 'admin@other.test')]);
  });

  afterAll(async () => {
    await db?.end();
    await nc?.drain();
    await gw?.service.close();
  });

  const api = async (method: string, path: string, bearer: string, body?: unknown, url = gw.url): Promise<Res> => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const create = (bearer: string, body: unknown) => api('POST', '/v1/api-keys', bearer, body);

  /** The audit records the gateway published for this tenant (AF_AUDIT in this test's namespace). */
  const auditOf = async (wanted: string) => {
    const stream = processNamespace().streamName('AF_AUDIT');
    const { state } = await jsm.streams.info(stream);
    const out = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!m || m.header.get(Headers.tenantId) !== wanted) continue;
      out.push({ ...fromBinary(AuditEventSchema, m.data), raw: new TextDecoder().decode(m.data) });
    }
    return out;
  };

  it('creates a key shown once, stores only its HMAC, lets it in with its roles, and records its use', async () => {
    const created = await create(admin, { name: 'ci pipeline', roles: ['Developer'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      key: expect.stringMatching(/^afk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/),
      prefix: `afk_${created.body.id}_`,
      name: 'ci pipeline',
      roles: ['Developer'],
      createdBy: 'admin@acme.test',
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const { id, key } = created.body as { id: string; key: string };
    expect(key.startsWith(`afk_${id}_`)).toBe(true);

    const row = await db.query(`SELECT * FROM "${gw.schema}".api_keys WHERE id = $1`, [id]);
    expect(row.rows[0]).toMatchObject({ tenant_id: tenant, name: 'ci pipeline', roles: ['Developer'], created_by: 'admin@acme.test' });
    expect(Buffer.from(row.rows[0].secret_hash).equals(createHmac('sha256', TEST_PEPPER).update(key).digest())).toBe(true);
    expect(JSON.stringify(row.rows[0])).not.toContain(key.slice(-43));

    // A Developer key: may list runs (ViewRuns; the orchestrator is absent: 503), may not manage keys.
    const runs = await api('GET', '/v1/runs', key);
    expect([401, 403]).not.toContain(runs.status);
    expect(await api('GET', '/v1/api-keys', key)).toMatchObject({ status: 403, body: { error: { code: 'PERMISSION_DENIED', details: { permission: 'ManageKeys' } } } });

    const listed = await until(
      () => api('GET', '/v1/api-keys', admin),
      (r) => r.body.items.find((k: { id: string }) => k.id === id)?.lastUsedAt !== null,
      5_000,
    );
    const item = listed.body.items.find((k: { id: string }) => k.id === id);
    expect(item).toMatchObject({ id, name: 'ci pipeline', roles: ['Developer'], lastUsedAt: expect.any(String), revokedAt: null });
    expect(item.key).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const audit = await until(() => auditOf(tenant), (records) => records.some((r) => r.action === 'apikey.created' && r.resourceId === id));
    expect(audit.find((r) => r.resourceId === id)).toMatchObject({ action: 'apikey.created', actor: 'admin@acme.test', resourceType: 'apikey', outcome: 'success', service: 'gateway' });
    expect(JSON.parse(audit.find((r) => r.resourceId === id)!.detailsJson)).toEqual({ name: 'ci pipeline', roles: ['Developer'], expiresAt: null });
    expect(audit.map((r) => r.raw).join('')).not.toContain(key.slice(-43));
  });

  it('revokes: 204, the key is refused with 401 at once, another tenant cannot revoke or see it (404), the revocation is audited', async () => {
    const { id, key } = (await create(admin, { name: 'short lived', roles: ['Viewer'] })).body as { id: string; key: string };
    expect([401, 403]).not.toContain((await api('GET', '/v1/blueprints', key)).status);

    expect(await api('DELETE', `/v1/api-keys/${id}`, otherAdmin)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await api('GET', '/v1/api-keys', otherAdmin)).body.items.map((k: { id: string }) => k.id)).not.toContain(id);
    expect([401, 403]).not.toContain((await api('GET', '/v1/blueprints', key)).status);

    expect((await api('DELETE', `/v1/api-keys/${id}`, admin)).status).toBe(204);
    expect(await api('GET', '/v1/blueprints', key)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('revoked') } } });
    expect((await api('DELETE', `/v1/api-keys/${id}`, admin)).status).toBe(204);
    expect((await api('DELETE', '/v1/api-keys/0123456789abcdef01234567', admin)).status).toBe(404);
    expect((await api('GET', '/v1/api-keys', admin)).body.items.find((k: { id: string }) => k.id === id)).toMatchObject({ revokedAt: expect.any(String) });

    const audit = await until(() => auditOf(tenant), (records) => records.some((r) => r.action === 'apikey.revoked' && r.resourceId === id));
    expect(audit.filter((r) => r.action === 'apikey.revoked' && r.resourceId === id)).toHaveLength(1);
  });

  it('refuses an expired key with 401', async () => {
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const { key } = (await create(admin, { name: 'expiring', roles: ['Viewer'], expiresAt })).body as { key: string };
    expect([401, 403]).not.toContain((await api('GET', '/v1/blueprints', key)).status);
    const refused = await until(() => api('GET', '/v1/blueprints', key), (r) => r.status === 401, 5_000);
    expect(refused.body.error.message).toContain('expired');
  });

  it('refuses a forged key (right id, wrong secret) and an unknown one with 401', async () => {
    const { id } = (await create(admin, { name: 'target', roles: ['Viewer'] })).body as { id: string };
    expect((await api('GET', '/v1/blueprints', `afk_${id}_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await api('GET', '/v1/blueprints', `afk_${'0'.repeat(24)}_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await api('GET', '/v1/blueprints', 'afk_short')).status).toBe(401);
  });

  it('grants only roles whose every permission the caller holds, and refuses bad bodies with the path of the field', async () => {
    // A key may carry a role only if the caller holds every permission of it.
    expect(await create(admin, { name: 'x', roles: ['Developer', 'Administrator', 'Viewer'] })).toMatchObject({ status: 201 });
    const managerOfKeys = await new SignJWT({ tenant, roles: ['Developer'], permissions: ['ManageKeys'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('lead-dev@acme.test')
      .setIssuer('agent-factory')
      .setAudience('agent-factory-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect(await create(managerOfKeys, { name: 'escalate', roles: ['Viewer', 'Administrator'] })).toMatchObject({
      status: 403,
      body: { error: { code: 'PERMISSION_DENIED', path: '/roles/1', details: { role: 'Administrator', missing: expect.arrayContaining(['ArchiveAgent', 'ViewAudit']) } } },
    });
    expect(await create(managerOfKeys, { name: 'pm', roles: ['ProductManager'] })).toMatchObject({ status: 403, body: { error: { path: '/roles/0' } } });
    const devKey = (await create(managerOfKeys, { name: 'dev key', roles: ['Developer'] })).body as { key: string };
    // A key made by a key: no ManageKeys in a Developer key, so it cannot mint anything.
    expect(await create(devKey.key, { name: 'child', roles: ['Viewer'] })).toMatchObject({ status: 403, body: { error: { details: { permission: 'ManageKeys' } } } });
    const adminKey = (await create(admin, { name: 'admin key', roles: ['Administrator'] })).body as { key: string };
    expect(await create(adminKey.key, { name: 'child', roles: ['Viewer'] })).toMatchObject({ status: 201, body: { createdBy: expect.stringMatching(/^apikey:[0-9a-f]{24}$/) } });
    expect(await create(pm, { name: 'pm', roles: ['Viewer'] })).toMatchObject({ status: 403, body: { error: { details: { permission: 'ManageKeys' } } } });

    const cases: [unknown, string][] = [
      [{ name: 'k', roles: ['Root'] }, '/roles/0'],
      [{ name: 'k', roles: ['Viewer', 'Sudo'] }, '/roles/1'],
      [{ name: 'k', roles: [] }, '/roles'],
      [{ name: 'k' }, '/roles'],
      [{ name: '', roles: ['Viewer'] }, '/name'],
      [{ name: 'n'.repeat(101), roles: ['Viewer'] }, '/name'],
      [{ name: 'k', roles: ['Viewer'], expiresAt: '2001-01-01T00:00:00Z' }, '/expiresAt'],
      [{ name: 'k', roles: ['Viewer'], expiresAt: 'tomorrow' }, '/expiresAt'],
      [{ name: 'k', roles: ['Viewer'], tenantId: otherTenant }, '/tenantId'],
      [{ name: 'k', roles: ['Viewer'], id: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, '/id'],
      [{ name: 'k', roles: ['Viewer'], createdBy: 'someone' }, '/createdBy'],
      [['Viewer'], ''],
    ];
    for (const [body, path] of cases) {
      const res = await create(admin, body);
      expect({ body, status: res.status, code: res.body.error?.code, path: res.body.error?.path }).toEqual({ body, status: 400, code: 'INVALID_ARGUMENT', path });
    }
  });

  it('a second gateway instance learns of a revocation within its cache TTL', async () => {
    const other = await startGateway({ env: { GATEWAY_DATABASE_SCHEMA: gw.schema, AF_API_KEY_CACHE_TTL_MS: '1000' } });
    try {
      const { id, key } = (await create(admin, { name: 'two instances', roles: ['Viewer'] })).body as { id: string; key: string };
      expect([401, 403]).not.toContain((await api('GET', '/v1/blueprints', key, undefined, other.url)).status);
      expect((await api('DELETE', `/v1/api-keys/${id}`, admin)).status).toBe(204);
      const started = Date.now();
      await until(() => api('GET', '/v1/blueprints', key, undefined, other.url), (r) => r.status === 401, 5_000);
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await other.service.close();
    }
  });
});

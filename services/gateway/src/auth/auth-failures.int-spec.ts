import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBinary } from '@bufbuild/protobuf';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { SignJWT } from 'jose';
import { AuditEventSchema, Headers } from '@af/contracts';
import { connectNats, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

const WINDOW_MS = 400;

const jwt = (claims: Record<string, unknown>, opts: { exp?: string; key?: string; sub?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.sub ?? 'mallory@acme.test')
    .setIssuer('agent-factory')
    .setAudience('agent-factory-api')
    .setExpirationTime(opts.exp ?? '5m')
    .sign(new TextEncoder().encode(opts.key ?? TEST_SECRET));

describe('authentication failures are audited in aggregate, never one record per request', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const tenant = testTenant();
  const claimed = testTenant();

  beforeAll(async () => {
    gw = await startGateway({ env: { AF_AUTH_FAILURE_AUDIT_WINDOW_MS: String(WINDOW_MS) } });
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'audit', instanceId: 'auth-failures-test' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const authFailuresOf = async (wanted: string) => {
    const stream = processNamespace().streamName('AF_AUDIT');
    const { state } = await jsm.streams.info(stream);
    const out = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!m || m.header.get(Headers.tenantId) !== wanted) continue;
      const event = fromBinary(AuditEventSchema, m.data);
      if (event.action === 'auth.failed') out.push({ ...event, details: JSON.parse(event.detailsJson) as { reason: string; count: number; subjects: string[] } });
    }
    return out;
  };
  const get = (bearer: string) => fetch(`${gw.url}/v1/blueprints`, { headers: { authorization: `Bearer ${bearer}` } });

  it('80 expired tokens and 30 uses of a revoked key of one tenant become a handful of records with counts; 60 forged tokens claiming another tenant none', async () => {
    const admin = await jwt({ tenant, roles: ['Administrator'] }, { sub: 'admin@acme.test' });
    const created = (await (await fetch(`${gw.url}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"name":"leaked","roles":["Viewer"]}' })).json()) as { id: string; key: string };
    expect((await fetch(`${gw.url}/v1/api-keys/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })).status).toBe(204);

    const expired = await jwt({ tenant, roles: ['Viewer'] }, { exp: '-2m' });
    const forged = await jwt({ tenant: claimed, roles: ['Administrator'] }, { key: 'not-the-secret-'.padEnd(40, 'z') });
    const statuses = await Promise.all([
      ...Array.from({ length: 80 }, () => get(expired)),
      ...Array.from({ length: 30 }, () => get(created.key)),
      ...Array.from({ length: 60 }, () => get(forged)),
      ...Array.from({ length: 20 }, () => get('garbage.garbage.garbage')),
    ]).then((responses) => responses.map((r) => r.status));
    expect(new Set(statuses)).toEqual(new Set([401]));

    const sum = (records: { details: { reason: string; count: number } }[], reason: string) => records.filter((r) => r.details.reason === reason).reduce((n, r) => n + r.details.count, 0);
    const records = await until(() => authFailuresOf(tenant), (r) => sum(r, 'expired') === 80 && sum(r, 'apikey_revoked') === 30, 10_000);
    // Aggregated per window: a burst spans one window, at most two.
    expect(records.filter((r) => r.details.reason === 'expired').length).toBeLessThanOrEqual(2);
    expect(records.filter((r) => r.details.reason === 'apikey_revoked').length).toBeLessThanOrEqual(2);
    expect(records.find((r) => r.details.reason === 'expired')).toMatchObject({ actor: 'mallory@acme.test', resourceType: 'credential', outcome: 'denied', service: 'gateway', details: { subjects: ['mallory@acme.test'] } });
    expect(records.find((r) => r.details.reason === 'apikey_revoked')).toMatchObject({ actor: `apikey:${created.id}` });

    // A forged token's tenant claim proves nothing: no record lands in that tenant's log.
    await new Promise((r) => setTimeout(r, WINDOW_MS * 2));
    expect(await authFailuresOf(claimed)).toEqual([]);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/af_gateway_auth_failures_total\{[^}]*reason="bad_signature"[^}]*\} 60/);
    expect(metrics).toMatch(/af_gateway_auth_failures_total\{[^}]*reason="expired"[^}]*audited="true"[^}]*\} 80/);
  });
});

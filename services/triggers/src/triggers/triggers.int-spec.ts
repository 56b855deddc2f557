import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { ExternalEventSchema, Headers, parseTenantId, type TenantId } from '@af/contracts';
import { ErrorCode, type AppError } from '@af/errors';
import { encode, processNamespace } from '@af/messaging';
import { MetricsRegistry as MetricsRegistryToken } from '@af/observability';
import { DATA_SOURCE, withSystemScope } from '@af/persistence';
import { testTenant, until, type ServiceProcess } from '@af/testing';
import { TriggersService as TriggersServiceToken } from './triggers.service.js';
import { connectClient, setActive, standIns, startSecrets, startTriggers } from '../test/harness.js';

const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };

describe('triggers: registration, schedules, events and inbound webhooks against real PostgreSQL and NATS', () => {
  let triggers: Awaited<ReturnType<typeof startTriggers>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let stand: ReturnType<typeof standIns>;
  let secrets: ServiceProcess;
  let db: DataSource;
  const tenants = new Set<string>();
  const newTenant = () => {
    const t = parseTenantId(testTenant());
    tenants.add(t);
    return t;
  };

  beforeAll(async () => {
    client = await connectClient();
    stand = standIns(client.nc, tenants);
    secrets = await startSecrets();
    // Two instances on one schema: replicas of the service.
    triggers = await startTriggers(2);
    db = triggers.services[0]!.app.get<DataSource>(DATA_SOURCE);
  }, 90_000);

  afterAll(async () => {
    await triggers?.stop();
    await secrets?.stop();
    stand?.stop();
    await client?.close();
  });

  const list = (tenantId: TenantId, agent = '') => client.bus.request('af.v1.triggers.list', { agent }, { tenantId });

  /** Makes `triggers` the agent's active deployment and tells the service (as the deployment service does). */
  async function deploy(tenantId: TenantId, agent: string, version: number, specTriggers: unknown[], inputSchema: unknown = null) {
    const deploymentId = randomUUID();
    const artifactHash = stand.artifact(specTriggers, inputSchema);
    await setActive(client.nc, tenantId, agent, { deploymentId, version, artifactHash });
    await client.bus.publish('af.v1.deployments.event.changed', { deployment: { deploymentId, agent, version, artifactHash, status: 'active' } }, { msgId: `t-${deploymentId}`, tenantId });
    await until(() => list(tenantId, agent), (r) => r.items.length > 0 && r.items.every((i) => i.version === version), 15_000);
    return deploymentId;
  }

  async function undeploy(tenantId: TenantId, agent: string) {
    await setActive(client.nc, tenantId, agent, null);
    await client.bus.publish('af.v1.deployments.event.changed', { deployment: { deploymentId: randomUUID(), agent, version: 0, status: 'rolled_back' } }, { msgId: `u-${randomUUID()}`, tenantId });
    await until(() => list(tenantId, agent), (r) => r.items.length === 0, 15_000);
  }

  it('fires an every-second schedule exactly once per tick with two instances running', async () => {
    const tenant = newTenant();
    await deploy(tenant, 'ticker', 1, [{ type: 'schedule', id: 'every-second', cron: '* * * * * *', input: { region: 'eu' } }], { type: 'object', properties: { scheduledAt: { type: 'string' } } });
    await new Promise((r) => setTimeout(r, 5_000));
    await undeploy(tenant, 'ticker');
    const runs = stand.submitted.filter((s) => s.tenant === tenant);
    const ticks = runs.map((r) => String(r.input['scheduledAt']));
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(runs.every((r) => r.trigger === 'schedule:every-second' && r.input['region'] === 'eu' && !r.replayed)).toBe(true);
    // Consecutive seconds: no tick skipped, none doubled.
    const seconds = ticks.map((t) => Date.parse(t) / 1000).sort((a, b) => a - b);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!).toBe(1);
    const [claimed] = (await withSystemScope(db, 'test', (m) => m.query(`SELECT count(*)::int AS n FROM trigger_ticks WHERE tenant_id = $1`, [tenant]))) as { n: number }[];
    expect(claimed?.n).toBe(runs.length);
  }, 40_000);

  it('after downtime fires the latest missed tick within the catch-up window once and skips older ones', async () => {
    const tenant = newTenant();
    await deploy(tenant, 'late', 1, [
      { type: 'schedule', id: 'minutely', cron: '* * * * *' },
      { type: 'schedule', id: 'yearly', cron: '0 0 1 1 *', timezone: 'Europe/Berlin' },
    ]);
    // As if no instance ran: the minutely one's next tick ten minutes ago, the yearly one's two years ago.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await withSystemScope(db, 'test', async (m) => {
      await m.query(`UPDATE triggers SET next_fire_at = $2 WHERE tenant_id = $1 AND trigger_id = 'minutely'`, [tenant, new Date(minute - 10 * 60_000)]);
      await m.query(`UPDATE triggers SET next_fire_at = $2 WHERE tenant_id = $1 AND trigger_id = 'yearly'`, [tenant, new Date(Date.UTC(new Date().getUTCFullYear() - 2, 0, 1) - 3_600_000)]);
    });
    const rows = await until(
      () => withSystemScope(db, 'test', (m) => m.query(`SELECT trigger_id, fired::int AS fired, missed::int AS missed, next_fire_at FROM triggers WHERE tenant_id = $1 ORDER BY trigger_id`, [tenant])) as Promise<{ trigger_id: string; fired: number; missed: number; next_fire_at: Date }[]>,
      (r) => r.every((row) => row.next_fire_at.getTime() > Date.now() - 1_000),
      10_000,
    );
    const minutely = rows.find((r) => r.trigger_id === 'minutely')!;
    const yearly = rows.find((r) => r.trigger_id === 'yearly')!;
    // The latest missed minute (≤ 60 s old, inside the default 5-minute window) fired once; the 9 or 10 before it were skipped.
    expect(minutely.fired).toBe(1);
    expect(minutely.missed).toBeGreaterThanOrEqual(9);
    const run = stand.submitted.filter((s) => s.tenant === tenant);
    expect(run).toHaveLength(1);
    expect(run[0]?.trigger).toBe('schedule:minutely');
    // Every yearly tick missed is older than the window: none fired, all counted.
    expect(yearly.fired).toBe(0);
    expect(yearly.missed).toBe(3); // 1 January of two years ago, last year and this year (Berlin), all older than the window
    await undeploy(tenant, 'late');
  }, 40_000);

  it('starts a run for an event on its tenant subject only, and drops one whose tenant header differs', async () => {
    const tenant = newTenant();
    const other = newTenant();
    await deploy(tenant, 'listener', 1, [{ type: 'event', id: 'leads', subject: 'crm.lead.*', input: { source: 'crm', stage: 'new' } }]);
    const js = jetstream(client.nc);
    const publish = async (subjectTenant: string, headerTenant: string, rest: string, payload: unknown, proto = false) => {
      const h = natsHeaders();
      h.set(Headers.tenantId, headerTenant);
      const data = proto ? encode(ExternalEventSchema, { payloadJson: JSON.stringify(payload) }) : new TextEncoder().encode(JSON.stringify(payload));
      await js.publish(processNamespace().subject(`af.v1.ext.${subjectTenant}.${rest}`), data, { headers: h });
    };
    await publish(other, other, 'crm.lead.created', { email: 'other@x.example' });
    await publish(tenant, other, 'crm.lead.created', { email: 'spoofed@x.example' });
    await publish(tenant, tenant, 'crm.deal.created', { email: 'deal@x.example' });
    await publish(tenant, tenant, 'crm.lead.created', { email: 'lead@x.example', stage: 'qualified' });
    await publish(tenant, tenant, 'crm.lead.updated', { email: 'proto@x.example' }, true);
    const runs = await until(async () => stand.submitted.filter((s) => s.tenant === tenant), (r) => r.length >= 2, 10_000);
    expect(runs.map((r) => r.input).sort((a, b) => String(a['email']).localeCompare(String(b['email'])))).toEqual([
      { source: 'crm', stage: 'qualified', email: 'lead@x.example' },
      { source: 'crm', stage: 'new', email: 'proto@x.example' },
    ]);
    expect(runs.every((r) => r.trigger === 'event:leads' && r.agent === 'listener')).toBe(true);
    const metrics = await triggers.services.map((s) => s.app.get(MetricsRegistryToken)).reduce(async (sum, m) => (await sum) + (await droppedMismatch(m)), Promise.resolve(0));
    expect(metrics).toBe(1);
    expect(stand.submitted.filter((s) => s.tenant === other)).toEqual([]);
    await undeploy(tenant, 'listener');
  }, 40_000);

  it('starts a run for a signed inbound webhook; unsigned, badly signed, stale, replayed and unknown ones are refused', async () => {
    const tenant = newTenant();
    const secret = `whsec_${randomUUID()}`;
    await client.bus.request('af.v1.secrets.put', { name: 'crm-hook', value: secret, description: 'CRM webhook', caller: admin }, { tenantId: tenant });
    await deploy(tenant, 'hooked', 1, [{ type: 'webhook', id: 'crm', secret: 'crm-hook' }]);
    const body = new TextEncoder().encode(JSON.stringify({ lead: 'ada@x.example' }));
    const sign = (t: number, bytes: Uint8Array, key = secret) => `t=${t},v1=${createHmac('sha256', key).update(`${t}.`).update(bytes).digest('hex')}`;
    const hook = (signature: string, bytes = body, agent = 'hooked', triggerId = 'crm', tenantId: string = tenant) =>
      client.bus.request('af.v1.triggers.hook', { tenantId, agent, triggerId, body: bytes, signature, contentType: 'application/json' });
    const refused = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        return { code: (error as AppError).code, message: (error as AppError).message };
      }
      throw new Error('expected a refusal');
    };
    const now = Math.floor(Date.now() / 1000);
    const good = sign(now, body);
    const reply = await hook(good);
    expect(reply.status).toBe('queued');
    const run = stand.submitted.find((s) => s.tenant === tenant);
    expect(run).toMatchObject({ agent: 'hooked', trigger: 'webhook:crm', input: { lead: 'ada@x.example' }, runId: reply.runId });
    expect((await refused(hook(good))).message).toMatch(/replayed/);
    expect((await refused(hook(''))).code).toBe(ErrorCode.Unauthenticated);
    expect((await refused(hook(sign(now, body, 'not-the-secret')))).code).toBe(ErrorCode.Unauthenticated);
    expect((await refused(hook(sign(now, new TextEncoder().encode('{"lead":"eve"}')), body))).code).toBe(ErrorCode.Unauthenticated);
    const stale = await refused(hook(sign(now - 301, body)));
    expect(stale).toMatchObject({ code: ErrorCode.Unauthenticated, message: expect.stringMatching(/stale/) });
    expect((await refused(hook(sign(now, body), body, 'hooked', 'nope'))).code).toBe(ErrorCode.NotFound);
    expect((await refused(hook(sign(now, body), body, 'hooked', 'crm', 'no-such-tenant'))).code).toBe(ErrorCode.NotFound);
    const notJson = new TextEncoder().encode('not json');
    expect((await refused(hook(sign(now, notJson), notJson))).code).toBe(ErrorCode.InvalidArgument);
    expect(stand.submitted.filter((s) => s.tenant === tenant)).toHaveLength(1);
    await undeploy(tenant, 'hooked');
    expect((await refused(hook(sign(now, body)))).code).toBe(ErrorCode.NotFound);
  }, 40_000);

  it('replaces the registration when another deployment becomes active, and a redelivered event changes nothing', async () => {
    const tenant = newTenant();
    await deploy(tenant, 'evolving', 1, [{ type: 'webhook', secret: 'a' }, { type: 'event', id: 'orders', subject: 'shop.order.>' }]);
    expect((await list(tenant, 'evolving')).items.map((i) => [i.id, i.type, i.version])).toEqual([
      ['orders', 'event', 1],
      ['webhook-0', 'webhook', 1],
    ]);
    await deploy(tenant, 'evolving', 2, [{ type: 'schedule', id: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin' }]);
    const items = (await list(tenant, 'evolving')).items;
    expect(items.map((i) => [i.id, i.type, i.version, i.cron, i.timezone])).toEqual([['nightly', 'schedule', 2, '0 3 * * *', 'Europe/Berlin']]);
    expect(Date.parse(items[0]!.nextFireAt)).toBeGreaterThan(Date.now());
    const sut = triggers.services[0]!.app.get(TriggersServiceToken);
    await expect(sut.syncAgent(tenant, 'evolving')).resolves.toBe('unchanged');
    await undeploy(tenant, 'evolving');
    await expect(sut.syncAgent(tenant, 'evolving')).resolves.toBe('deactivated');
  }, 40_000);
});


async function droppedMismatch(metrics: MetricsRegistryToken): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('af_trigger_events_dropped_total')?.get();
  return metric?.values.filter((v) => v.labels['reason'] === 'tenant_mismatch').reduce((n, v) => n + v.value, 0) ?? 0;
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { serviceNames, type ServiceName } from '@af/contracts';
import { connectClient, httpUrl, startHealth, until } from '../test/harness.js';
import { HeartbeatRepository } from './heartbeat.repository.js';
import { MeshStatusService } from './mesh-status.service.js';

describe('health against real NATS (core heartbeats) and Redis', () => {
  let health: Awaited<ReturnType<typeof startHealth>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let mesh: MeshStatusService;
  let heartbeats: HeartbeatRepository;
  const run = randomBytes(4).toString('hex');
  const instanceOf = (service: ServiceName) => `${service}-t${run}`;
  const STALE = 15_000;
  const EXPIRE = 60_000;

  const beat = (service: string, instanceId: string, ready = true, checks: Record<string, string> = { nats: 'up' }) =>
    client.bus.emit('af.v1.health.heartbeat', { service, instanceId, ready, version: '9.9.9', sentAtMs: BigInt(Date.now()), checks });
  const mine = async (service: ServiceName) => ((await heartbeats.instancesOf([service], Date.now(), EXPIRE)).get(service) ?? []).filter((i) => i.instanceId.includes(run));

  beforeAll(async () => {
    health = await startHealth({ HEALTH_STALE_AFTER_MS: String(STALE), HEALTH_EXPIRE_AFTER_MS: String(EXPIRE) });
    client = await connectClient();
    mesh = health.service.app.get(MeshStatusService);
    heartbeats = health.service.app.get(HeartbeatRepository);
  });

  afterAll(async () => {
    await client?.close();
    await health?.stop();
  });

  it('reports every expected service up, and the mesh ok, once each has a fresh ready heartbeat', async () => {
    const t0 = Date.now();
    for (const service of serviceNames) beat(service, instanceOf(service), true, { nats: 'up', [`probe-${run}`]: 'up' });
    await client.nc.flush();
    const reply = await until(
      () => client.bus.request('af.v1.health.status', {}),
      (r) => r.status === 'ok',
    );
    expect(reply.status).toBe('ok');
    expect(reply.services.map((s) => s.service)).toEqual([...serviceNames]);
    for (const s of reply.services) {
      expect(s).toMatchObject({ state: 'up' });
      expect(s.instances).toBeGreaterThanOrEqual(1);
      expect(Number(s.lastSeenMs)).toBeGreaterThanOrEqual(t0);
    }
    const [stored] = await mine('memory');
    expect(stored).toMatchObject({ service: 'memory', instanceId: instanceOf('memory'), ready: true, version: '9.9.9', checks: { nats: 'up', [`probe-${run}`]: 'up' } });
    expect(stored?.receivedAtMs).toBeGreaterThanOrEqual(t0);
  });

  it('keeps one record per instance, the latest, and ignores heartbeats of unknown services', async () => {
    beat('worker', `worker-second-${run}`, false, { postgres: 'down' });
    beat('worker', `worker-second-${run}`, false, { postgres: 'down', redis: 'up' });
    beat('not-a-service', `x-${run}`);
    beat('worker', 'bad id with spaces');
    await client.nc.flush();
    const workers = await until(
      () => mine('worker'),
      (w) => w.some((i) => i.instanceId === `worker-second-${run}` && i.checks['redis'] === 'up'),
    );
    expect(workers.filter((i) => i.instanceId === `worker-second-${run}`)).toEqual([expect.objectContaining({ ready: false, checks: { postgres: 'down', redis: 'up' } })]);
    // The other worker instance is still fresh and ready: the service stays up.
    const status = await mesh.status();
    expect(status.services.find((s) => s.service === 'worker')).toMatchObject({ state: 'up' });
    expect(status.services.find((s) => s.service === 'worker')?.instances).toBeGreaterThanOrEqual(2);
    expect(status.services.map((s) => s.service)).not.toContain('not-a-service');
  });

  it('publishes gauges of the services that are up', async () => {
    await mesh.status();
    const text = await (await fetch(`${httpUrl(health.service)}/metrics`)).text();
    expect(text).toMatch(/af_mesh_service_up\{service="worker"[^}]*\} 1/);
    expect(text).toMatch(new RegExp(`af_mesh_services_up\\{[^}]*\\} ${serviceNames.length}`));
    expect(text).toMatch(/af_mesh_heartbeats_received_total\{service="memory"/);
  });

  it('turns services stale when heartbeats stop, then down once they expire', async () => {
    // Evaluated at a later instant instead of waiting: every heartbeat so far (ours, and any a
    // running mesh sends meanwhile) is older than the window by then.
    const stale = await mesh.status(Date.now() + STALE + 1_000);
    expect(stale.status).toBe('degraded');
    expect(new Set(stale.services.map((s) => s.state))).toEqual(new Set(['stale']));
    const down = await mesh.status(Date.now() + EXPIRE + 1_000);
    expect(down.services.every((s) => s.state === 'down' && s.instances === 0)).toBe(true);
    const text = await (await fetch(`${httpUrl(health.service)}/metrics`)).text();
    expect(text).toMatch(/af_mesh_services_up\{[^}]*\} 0/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { randomBytes, randomUUID } from 'node:crypto';
import { AgentUnhealthySchema, Headers, parseTenantId, type TenantId } from '@af/contracts';
import { decode, processNamespace } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import { testTenant } from '@af/testing';
import { connectClient, startHealth, until } from '../test/harness.js';
import { OverviewService } from '../overview/overview.service.js';
import { HealthMonitorService } from './health-monitor.service.js';
import { RunOutcomeRepository } from './run-outcome.repository.js';

describe('health monitor against real NATS JetStream and Redis', () => {
  let health: Awaited<ReturnType<typeof startHealth>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let monitor: HealthMonitorService;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const agent = `agent-${randomBytes(3).toString('hex')}`;
  const DEAD_AFTER = 5_000;

  beforeAll(async () => {
    health = await startHealth({
      HEALTH_WINDOW_MS: '600000',
      HEALTH_MIN_RUNS: '10',
      HEALTH_MAX_FAILURE_RATE: '0.3',
      HEALTH_MAX_P95_MS: '5000',
      // Passes are run by the test (a background pass would race the assertions on "published").
      HEALTH_MONITOR_INTERVAL_MS: '600000',
      HEALTH_WORKER_DEAD_AFTER_MS: String(DEAD_AFTER),
    });
    client = await connectClient();
    monitor = health.service.app.get(HealthMonitorService);
  });

  afterAll(async () => {
    await client?.close();
    await health?.stop();
  });

  /** Publishes a run's started and finished events, as the worker does; `redeliver` publishes the finish twice (distinct msgIds, so JetStream stores both). */
  async function runOnce(tenantId: TenantId, version: number, outcome: 'succeeded' | 'failed' | 'cancelled', durationMs: number, redeliver = false) {
    const runId = randomUUID();
    const startedAt = Date.now() - durationMs;
    await client.bus.publish('af.v1.runs.event.started', { runId, attempt: 1, workerId: 'w', atMs: BigInt(startedAt), agent, version }, { msgId: `started-${runId}`, tenantId });
    for (const copy of redeliver ? [1, 2] : [1]) {
      const atMs = BigInt(startedAt + durationMs);
      const msgId = `${outcome}-${runId}-${copy}`;
      if (outcome === 'succeeded') await client.bus.publish('af.v1.runs.event.succeeded', { runId, attempt: 1, atMs, agent, version, outputJson: '{}' }, { msgId, tenantId });
      else if (outcome === 'failed') await client.bus.publish('af.v1.runs.event.failed', { runId, attempt: 1, atMs, agent, version, error: { code: 'INTERNAL', message: 'boom' } }, { msgId, tenantId });
      else await client.bus.publish('af.v1.runs.event.cancelled', { runId, atMs, agent, version, reason: 'user' }, { msgId, tenantId });
    }
  }

  const stats = (tenantId: TenantId, versions: number[] = []) => client.bus.request('af.v1.health.agents.stats', { agent, versions }, { tenantId });

  it('computes each version’s failure rate and percentiles from run events, and a redelivered event is counted once', async () => {
    // Version 1: 20 decided runs of 100…2000 ms, 5 of them failed, each finish delivered twice; one cancellation.
    for (let i = 1; i <= 20; i++) await runOnce(tenant, 1, i % 4 === 0 ? 'failed' : 'succeeded', i * 100, true);
    await runOnce(tenant, 1, 'cancelled', 50);
    const reply = await until(
      () => stats(tenant, [1]),
      (r) => Number(r.versions[0]?.runs ?? 0) === 21 && r.versions[0]?.p95Ms === 1_900,
      15_000,
    );
    expect(reply.windowMs).toBe(600_000n);
    expect(reply.versions).toHaveLength(1);
    expect(reply.versions[0]).toMatchObject({ version: 1, runs: 21n, succeeded: 15n, failed: 5n, failureRate: 0.25, p50Ms: 1_000, p95Ms: 1_900, probe: '' });
    expect(Number(reply.versions[0]?.lastFinishedMs)).toBeGreaterThan(Date.now() - 60_000);
  }, 60_000);

  it('keeps tenants apart: another tenant’s runs of the same agent name are not in these statistics', async () => {
    for (let i = 0; i < 3; i++) await runOnce(other, 1, 'failed', 10);
    const theirs = await until(
      () => stats(other),
      (r) => Number(r.versions[0]?.runs ?? 0) === 3,
      15_000,
    );
    expect(theirs.versions).toEqual([expect.objectContaining({ version: 1, runs: 3n, failed: 3n, failureRate: 1 })]);
    const ours = await stats(tenant, [1]);
    expect(ours.versions[0]).toMatchObject({ runs: 21n, failed: 5n });
    await expect(client.bus.request('af.v1.health.agents.stats', { agent: 'bad|name', versions: [] }, { tenantId: tenant })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  }, 60_000);

  it('publishes exactly one unhealthy event for a version that crosses the thresholds, however many passes see it', async () => {
    // Version 2: 12 runs, 6 failed (50 % > 30 %).
    for (let i = 0; i < 12; i++) await runOnce(tenant, 2, i % 2 === 0 ? 'failed' : 'succeeded', 200);
    await until(
      () => stats(tenant, [2]),
      (r) => Number(r.versions[0]?.runs ?? 0) === 12,
      15_000,
    );
    const first = await monitor.pass();
    expect(first.published).toEqual([{ tenantId: tenant, agent, version: 2 }]);
    expect(first.byState.unhealthy).toBe(1);
    // Version 1 (25 %) is near the 30 % threshold: degraded, not reported; the other tenant's 3 runs are too few.
    expect(first.byState.degraded).toBe(2);
    const again = await monitor.pass();
    expect(again.published).toEqual([]);
    expect(again.byState.unhealthy).toBe(1);

    const jsm = await jetstreamManager(client.nc);
    const stream = processNamespace().streamName('AF_EVENTS');
    const subject = processNamespace().subject('af.v1.health.event.unhealthy');
    const info = await jsm.streams.info(stream, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    expect(stored?.header.get(Headers.tenantId)).toBe(tenant);
    expect(stored?.header.get(Headers.msgId) || stored?.header.get('Nats-Msg-Id')).toMatch(new RegExp(`^unhealthy:${tenant}:${agent}:2:\\d+$`));
    expect(decode(AgentUnhealthySchema, stored!.data)).toMatchObject({ agent, version: 2, failureRate: 0.5, runs: 12n, reason: expect.stringContaining('failure rate 50.0% > 30.0%') });
    const metrics = await health.service.app.get(MetricsRegistry).text();
    expect(metrics).toMatch(/af_health_unhealthy_events_total(\{[^}]*\})? 1/);
    expect(metrics).toMatch(/af_health_agent_versions\{state="unhealthy"[^}]*\} 1/);
  }, 60_000);

  it('trims a version’s window by age and by count, and does not store a run that finished before the window', async () => {
    const repo = health.service.app.get(RunOutcomeRepository);
    const key = { tenantId: other, agent: `trim-${agent}`, version: 7 };
    const options = { windowMs: 60_000, maxRunsPerVersion: 10, startTtlMs: 60_000 };
    const now = Date.now();
    expect(await repo.finished(key, 'too-old', 'failed', now - 60_001, now, options)).toBe(false);
    expect(await repo.finished(key, 'aging', 'failed', now - 59_000, now, options)).toBe(true);
    // Two seconds later, the run stored 59 s before is out of the window: dropped with the next write.
    for (let i = 0; i < 12; i++) expect(await repo.finished(key, `r${i}`, 'succeeded', now + i, now + 2_000, options)).toBe(true);
    const [runs] = await repo.runsOf([key]);
    expect(runs?.map((r) => r.runId).sort()).toEqual(['r10', 'r11', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
  });

  it('shows the tenant’s agent versions with their state, and workers turn dead when their heartbeats stop', async () => {
    const worker = `worker-hm-${randomBytes(4).toString('hex')}`;
    client.bus.emit('af.v1.health.heartbeat', { service: 'worker', instanceId: worker, ready: true, version: '9.9.9', sentAtMs: BigInt(Date.now()), checks: { nats: 'up', 'inflight:worker-runs': '3/64' } });
    await client.nc.flush();
    const overview = await until(
      () => client.bus.request('af.v1.health.overview', {}, { tenantId: tenant }),
      (o) => o.workers.some((w) => w.workerId === worker),
      10_000,
    );
    expect(overview.workers.find((w) => w.workerId === worker)).toMatchObject({ state: 'alive', inFlight: 3, slots: 64 });
    expect(overview.agents.map((a) => [a.agent, a.version, a.state])).toEqual([
      [agent, 2, 'unhealthy'],
      [agent, 1, 'degraded'],
    ]);
    expect(overview.status).toBe('degraded');
    expect(overview.services.length).toBeGreaterThan(0);

    // Evaluated at a later instant instead of waiting: the worker's last heartbeat is older than the liveness window by then.
    const later = await health.service.app.get(OverviewService).overview(tenant, Date.now() + DEAD_AFTER + 1_000);
    expect(later.workers?.find((w) => w.workerId === worker)).toMatchObject({ state: 'dead', inFlight: 3 });
    const metrics = await health.service.app.get(MetricsRegistry).text();
    expect(metrics).toMatch(/af_health_workers\{state="dead"[^}]*\} [1-9]/);
  }, 60_000);
});

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { HealthOverviewReplySchema, TenantId } from '@af/contracts';
import { MetricsRegistry } from '@af/observability';
import type { Gauge } from 'prom-client';
import { HeartbeatRepository } from '../mesh/heartbeat.repository.js';
import { MESH_OPTIONS, MeshStatusService, type MeshOptions } from '../mesh/mesh-status.service.js';
import { evaluateWorkers, type WorkerView } from '../mesh/worker-liveness.js';
import { HealthMonitorService } from '../outcomes/health-monitor.service.js';
import { RunOutcomeService } from '../outcomes/run-outcome.service.js';

/**
 * The tenant's view of the platform's health: the services (as af.v1.health.status), the
 * workers (alive | dead from their heartbeats) and the tenant's agent versions with runs in the
 * window, each judged by the monitor's thresholds.
 */
@Injectable()
export class OverviewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workersByState: Gauge<'state'>;
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly mesh: MeshStatusService,
    private readonly heartbeats: HeartbeatRepository,
    private readonly runs: RunOutcomeService,
    private readonly monitor: HealthMonitorService,
    @Inject(MESH_OPTIONS) private readonly options: MeshOptions,
    metrics: MetricsRegistry,
  ) {
    this.workersByState = metrics.gauge('af_health_workers', 'Workers heard from within the expiry window, by state', ['state']);
  }

  /** The workers gauge follows the heartbeats, not only the overview's readers (a dashboard and alerts read it). */
  onApplicationBootstrap(): void {
    const every = Math.max(1_000, Math.min(this.options.workerDeadAfterMs, 5_000));
    this.refresh = setInterval(() => void this.workers().catch(() => undefined), every);
    this.refresh.unref();
    void this.workers().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    if (this.refresh) clearInterval(this.refresh);
  }

  async workers(nowMs = Date.now()): Promise<WorkerView[]> {
    const known = await this.heartbeats.instancesOf(['worker'], nowMs, this.options.expireAfterMs);
    const workers = evaluateWorkers(known.get('worker') ?? [], nowMs, this.options.workerDeadAfterMs);
    this.workersByState.set({ state: 'alive' }, workers.filter((w) => w.state === 'alive').length);
    this.workersByState.set({ state: 'dead' }, workers.filter((w) => w.state === 'dead').length);
    return workers;
  }

  async overview(tenantId: TenantId, nowMs = Date.now()): Promise<MessageInitShape<typeof HealthOverviewReplySchema>> {
    const [mesh, workers, versions] = await Promise.all([this.mesh.status(nowMs), this.workers(nowMs), this.runs.versionStats(tenantId, undefined, 0, nowMs)]);
    const agents = versions.map((v) => {
      const verdict = this.monitor.judge(v);
      return { agent: v.agent, version: v.version, state: verdict.state, runs: BigInt(v.runs), failureRate: v.failureRate, p95Ms: v.p95Ms, reason: verdict.reason };
    });
    return {
      status: mesh.status === 'ok' && agents.every((a) => a.state !== 'unhealthy') ? 'ok' : 'degraded',
      services: mesh.services.map((s) => ({ ...s, lastSeenMs: BigInt(s.lastSeenMs) })),
      workers: workers.map((w) => ({ ...w, lastSeenMs: BigInt(w.lastSeenMs) })),
      agents,
    };
  }
}

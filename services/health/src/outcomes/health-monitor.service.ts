import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import type { Counter, Gauge } from 'prom-client';
import { judge, summarize, type AgentState, type Thresholds, type VersionStatsView, type Verdict } from './outcome-stats.js';
import { RunOutcomeRepository, type VersionKey } from './run-outcome.repository.js';
import { RunOutcomeService } from './run-outcome.service.js';

export const MONITOR_OPTIONS = Symbol.for('af.health.monitorOptions');

export interface MonitorOptions extends Thresholds {
  intervalMs: number;
  maxVersionsPerPass: number;
}

export interface MonitorPass {
  evaluated: number;
  byState: Record<AgentState, number>;
  /** Unhealthy versions whose event this pass published (not those already reported in this window bucket). */
  published: VersionKey[];
}

const CHUNK = 200;

/**
 * Every HEALTH_MONITOR_INTERVAL_MS, judges every agent version with runs in the window against the
 * thresholds. A version that turns unhealthy raises one af.v1.health.event.unhealthy per window
 * bucket (floor(now / HEALTH_WINDOW_MS)): a Redis claim makes it one across ticks and health
 * instances, the msgId `unhealthy:<tenant>:<agent>:<version>:<bucket>` one on JetStream too.
 */
@Injectable()
export class HealthMonitorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private readonly versionsByState: Gauge<'state'>;
  private readonly unhealthyEvents: Counter;

  constructor(
    private readonly outcomes: RunOutcomeRepository,
    private readonly runs: RunOutcomeService,
    private readonly bus: MessageBus,
    @Inject(MONITOR_OPTIONS) private readonly options: MonitorOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('health monitor', options.intervalMs, () => this.pass(), logger);
    this.versionsByState = metrics.gauge('af_health_agent_versions', 'Agent versions with runs in the health window, by state (all tenants)', ['state']);
    this.unhealthyEvents = metrics.counter('af_health_unhealthy_events_total', 'af.v1.health.event.unhealthy events published');
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  judge(stats: VersionStatsView): Verdict {
    return judge(stats, this.options);
  }

  /** One pass over the versions with runs in the window (at most HEALTH_MONITOR_MAX_VERSIONS, latest first). */
  async pass(nowMs = Date.now()): Promise<MonitorPass> {
    const since = nowMs - this.runs.windowMs;
    const keys = await this.outcomes.activeVersions(since, this.options.maxVersionsPerPass);
    const byState: Record<AgentState, number> = { healthy: 0, degraded: 0, unhealthy: 0 };
    const published: VersionKey[] = [];
    for (let start = 0; start < keys.length; start += CHUNK) {
      const chunk = keys.slice(start, start + CHUNK);
      const runs = await this.outcomes.runsOf(chunk);
      for (const [i, key] of chunk.entries()) {
        const stats = summarize(key.version, runs[i] ?? [], since);
        if (stats.runs === 0) continue;
        const verdict = this.judge(stats);
        byState[verdict.state]++;
        if (verdict.state === 'unhealthy' && (await this.raise(key, stats, verdict, nowMs))) published.push(key);
      }
    }
    for (const state of Object.keys(byState) as AgentState[]) this.versionsByState.set({ state }, byState[state]);
    return { evaluated: keys.length, byState, published };
  }

  private async raise(key: VersionKey, stats: VersionStatsView, verdict: Verdict, nowMs: number): Promise<boolean> {
    const bucket = Math.floor(nowMs / this.runs.windowMs);
    if (!(await this.outcomes.claimUnhealthy(key, bucket, this.runs.windowMs * 2))) return false;
    try {
      await this.bus.publish(
        'af.v1.health.event.unhealthy',
        {
          agent: key.agent,
          version: key.version,
          // Run events do not carry the artifact: the deployment service knows the version's.
          artifactHash: '',
          failureRate: stats.failureRate,
          p95Ms: stats.p95Ms,
          runs: BigInt(stats.succeeded + stats.failed),
          reason: verdict.reason,
          atMs: BigInt(nowMs),
        },
        { msgId: `unhealthy:${key.tenantId}:${key.agent}:${key.version}:${bucket}`, tenantId: key.tenantId },
      );
    } catch (error) {
      await this.outcomes.releaseUnhealthy(key, bucket).catch(() => undefined);
      throw error;
    }
    this.unhealthyEvents.inc();
    this.logger.warn({ tenantId: key.tenantId, agent: key.agent, version: key.version, reason: verdict.reason }, 'agent version unhealthy');
    return true;
  }
}

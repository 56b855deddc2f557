import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, RequestContext, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { DISPATCH_OPTIONS, type DispatchOptions } from './dispatch.config.js';
import { DispatchRepository, WAITING, type DispatchableRun } from './dispatch.repository.js';

/** The message id of a run's ExecuteRun for one dispatch: JetStream stores it once per dispatch. */
export const executeMsgId = (runId: string, dispatch: number): string => `run-execute:${runId}:${dispatch}`;

/** One dispatch pass: the runs published, in the order they reached AF_RUNS. */
export interface DispatchRound {
  published: Array<{ tenantId: string; runId: string; dispatch: number; seq: number }>;
  /** Claimed runs whose publish failed (published again after the grace, same message id). */
  failed: number;
}

/**
 * Fairness and priority on NATS 2.9 (no priority groups, one filter per consumer): runs wait in
 * PostgreSQL and are *dispatched* to the AF_RUNS work queue only while their tenant has fewer
 * than its concurrency limit of dispatched-but-unfinished runs. Within a tenant: high, normal,
 * low, then oldest first. Across tenants: one pass claims every tenant's free slots and publishes
 * them interleaved (each tenant's first, then each tenant's second, …), the first tenant rotating
 * from pass to pass — so a run of a tenant with a free slot is published within the first
 * N messages of the pass after it was submitted (N = tenants waiting), and JetStream never holds
 * more than Σ limits runs: a flooding tenant cannot push another's run back by more than its own
 * limit. Passes run on submit, on every finished run, and every intervalMs as a safety net.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private running: Promise<void> | undefined;
  private again = false;
  private serial: Promise<unknown> = Promise.resolve();
  private rotation = 0;
  private depthObservedAt = 0;
  private unconfirmedCheckedAt = 0;
  private readonly dispatched: Counter<'priority'>;
  private readonly refused: Counter;
  private readonly lag: Histogram<'priority'>;
  private readonly waiting: Gauge<'tenant'>;
  private readonly holding: Gauge<'tenant'>;
  private readonly knownTenants = new Set<string>();

  constructor(
    private readonly repository: DispatchRepository,
    private readonly bus: MessageBus,
    @Inject(DISPATCH_OPTIONS) private readonly options: DispatchOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('run dispatcher', options.intervalMs, () => this.dispatchNow(), logger);
    this.dispatched = metrics.counter('af_runs_dispatched_total', 'Runs published to the work queue, by priority', ['priority']);
    this.refused = metrics.counter('af_runs_admission_refused_total', 'Submissions refused because the tenant has too many runs waiting');
    this.lag = metrics.histogram('af_run_dispatch_lag_seconds', 'Time from submission to the first dispatch', ['priority'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]);
    this.waiting = metrics.gauge('af_runs_waiting', 'Runs waiting for dispatch, per tenant', ['tenant']);
    this.holding = metrics.gauge('af_runs_dispatched_open', 'Runs dispatched and not finished, per tenant', ['tenant']);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.running;
  }

  /** The tenant's concurrency limit (runs dispatched and not finished). */
  limitOf(tenantId: string): number {
    return this.options.tenantConcurrencyOverrides.get(tenantId) ?? this.options.tenantConcurrency;
  }

  /**
   * Admission control, applied by the group commit of submissions (runs/run-intake.ts) inside its
   * transaction: a tenant with maxQueuedPerTenant runs waiting gets 429, nothing is recorded.
   * The limit, and the condition a waiting run meets.
   */
  admission(): { maxWaiting: number; waitingWhere: string } {
    return { maxWaiting: this.options.maxQueuedPerTenant, waitingWhere: WAITING };
  }

  /** The refusal of a submission over the limit (counted): 429 RESOURCE_EXHAUSTED, nothing recorded. */
  refusal(waiting: number): AppError {
    const max = this.options.maxQueuedPerTenant;
    this.refused.inc();
    return new AppError(ErrorCode.ResourceExhausted, `tenant has ${max} runs waiting to be dispatched (the limit); retry later`, { path: '/agent', details: { waiting: Math.min(waiting, max), limit: max } });
  }

  /** Asks for a pass soon (coalesced: passes never overlap; a request during a pass runs one more). */
  trigger(): void {
    this.dispatchNow().catch((error: unknown) => this.logger.warn({ err: error }, 'dispatch pass failed'));
  }

  /** Runs passes until no request came in during the last one. */
  dispatchNow(): Promise<void> {
    this.again = true;
    this.running ??= (async () => {
      try {
        while (this.again) {
          this.again = false;
          await this.round();
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** One pass (after any pass in flight in this process): re-publish unconfirmed claims, then claim every tenant's free slots and publish them interleaved. */
  round(options: { republish?: boolean } = {}): Promise<DispatchRound> {
    const next = this.serial.then(() => this.pass(options.republish === true));
    this.serial = next.catch(() => undefined);
    return next;
  }

  private async pass(republish: boolean): Promise<DispatchRound> {
    const round: DispatchRound = { published: [], failed: 0 };
    // Claims whose publish was not confirmed are due only after the grace period: looking for them
    // in the outbox relay's passes and once per safety-net interval is enough (a pass runs on every
    // submission and finished run — one transaction less per pass under load).
    if (republish || Date.now() - this.unconfirmedCheckedAt >= this.options.intervalMs) {
      this.unconfirmedCheckedAt = Date.now();
      await this.publishAll(await this.repository.unconfirmed(this.options.republishGraceMs, this.options.maxPerRound), round);
    }
    const tenants = await this.repository.tenantsWaiting();
    if (tenants.length > 0) {
      const start = this.rotation++ % tenants.length;
      const order = [...tenants.slice(start), ...tenants.slice(0, start)];
      const batches: DispatchableRun[][] = [];
      let budget = this.options.maxPerRound;
      for (const tenantId of order) {
        if (budget <= 0) break;
        const claimed = await this.repository.claim(tenantId, this.limitOf(tenantId), budget);
        budget -= claimed.length;
        if (claimed.length > 0) batches.push(claimed);
      }
      const interleaved: DispatchableRun[] = [];
      const longest = Math.max(0, ...batches.map((b) => b.length));
      for (let i = 0; i < longest; i++) {
        for (const batch of batches) {
          const run = batch[i];
          if (run) interleaved.push(run);
        }
      }
      await this.publishAll(interleaved, round);
    }
    // The depth gauges need no fresher figure than the safety-net cadence: a pass runs on every
    // submission and finished run (back to back under load), and this is a GROUP BY over every open run.
    if (Date.now() - this.depthObservedAt >= this.options.intervalMs) {
      this.depthObservedAt = Date.now();
      await this.observeDepth();
    }
    if (round.published.length > 0 || round.failed > 0) this.logger.debug({ published: round.published.length, failed: round.failed }, 'dispatch pass');
    return round;
  }

  /** Publishes one claimed dispatch now (the reconciler's re-dispatch); false if JetStream did not take it (re-published after the grace). */
  async publishClaimed(run: DispatchableRun): Promise<boolean> {
    const round: DispatchRound = { published: [], failed: 0 };
    await this.publishAll([run], round);
    return round.failed === 0;
  }

  /**
   * Publishes the runs together, in this order (publishes of one turn leave in one socket write,
   * so JetStream stores them in the order given), then confirms the ones JetStream stored: one
   * statement per tenant. One publish and one transaction per run, awaited in turn, held dispatch
   * to a few dozen runs a second on a busy machine (issue 13 (f)); a pass of maxPerRound runs
   * now costs one round trip to JetStream and one to PostgreSQL per tenant. A run whose publish
   * or confirmation failed is published again after the grace (same message id: stored once).
   */
  private async publishAll(runs: readonly DispatchableRun[], round: DispatchRound): Promise<void> {
    if (runs.length === 0) return;
    const acks = await Promise.allSettled(runs.map((run) => this.send(run)));
    const byTenant = new Map<string, Array<{ run: DispatchableRun; seq: number; duplicate: boolean }>>();
    acks.forEach((ack, i) => {
      const run = runs[i]!;
      if (ack.status === 'rejected') {
        round.failed++;
        this.logger.warn({ err: ack.reason, runId: run.id, dispatch: run.dispatch }, 'could not publish a dispatched run; it is published again after the grace period');
        return;
      }
      const stored = byTenant.get(run.tenantId) ?? [];
      stored.push({ run, ...ack.value });
      byTenant.set(run.tenantId, stored);
    });
    const published: DispatchRound['published'] = [];
    for (const [tenantId, stored] of byTenant) {
      try {
        await this.repository.confirmMany(tenantId as TenantId, stored.map(({ run, seq }) => ({ runId: run.id, dispatch: run.dispatch, seq })));
      } catch (error) {
        round.failed += stored.length;
        this.logger.warn({ err: error, tenantId, runs: stored.length }, 'could not confirm published runs; they are published again after the grace period (same message ids)');
        continue;
      }
      for (const { run, seq, duplicate } of stored) {
        published.push({ tenantId, runId: run.id, dispatch: run.dispatch, seq });
        if (duplicate) continue;
        this.dispatched.inc({ priority: run.priority });
        if (run.dispatch === 1) this.lag.observe({ priority: run.priority }, Math.max(0, (Date.now() - run.createdAt.getTime()) / 1000));
      }
    }
    round.published.push(...published.sort((a, b) => a.seq - b.seq));
  }

  /** Stores the run's ExecuteRun on AF_RUNS (message id per dispatch), in the run's trace and tenant context. */
  private send(run: DispatchableRun): Promise<{ seq: number; duplicate: boolean }> {
    const tenantId = run.tenantId as TenantId;
    const parent = /^[0-9a-f]{32}$/.test(run.traceId)
      ? trace.setSpanContext(context.active(), { traceId: run.traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true })
      : context.active();
    return context.with(parent, () =>
      RequestContext.run({ tenantId, correlationId: run.correlationId }, () =>
        this.bus.publish(
          'af.v1.runs.execute',
          { runId: run.id, agent: run.agent, version: run.version, artifactHash: run.artifactHash, inputJson: JSON.stringify(run.input), priority: run.priority, dispatch: run.dispatch, requestedBy: run.requestedBy },
          { msgId: executeMsgId(run.id, run.dispatch), tenantId },
        ),
      ),
    );
  }

  private async observeDepth(): Promise<void> {
    const depth = await this.repository.depthPerTenant();
    const seen = new Set<string>();
    for (const d of depth) {
      seen.add(d.tenantId);
      this.knownTenants.add(d.tenantId);
      this.waiting.set({ tenant: d.tenantId }, d.waiting);
      this.holding.set({ tenant: d.tenantId }, d.holding);
    }
    for (const tenant of this.knownTenants) {
      if (seen.has(tenant)) continue;
      this.waiting.set({ tenant }, 0);
      this.holding.set({ tenant }, 0);
    }
  }
}

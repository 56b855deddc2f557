import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { PoolMetrics } from './pool.metrics.js';
import { QueueDepthRepository, type QueueDepth } from './queue-depth.repository.js';
import { decideScale, initialScalingState, type ScalingDecision, type ScalingRules, type ScalingState } from './scaling-policy.js';
import { WorkerProcessRepository, type ExitReason, type WorkerExit, type WorkerProcessView } from './worker-process.repository.js';

export const POOL_OPTIONS = Symbol.for('af.pool.options');

export interface PoolOptions {
  rules: ScalingRules;
  pollMs: number;
}

export interface PoolState {
  rules: ScalingRules;
  pollMs: number;
  queue: (QueueDepth & { sampledAtMs: number }) | null;
  workers: { current: number; desired: number; processes: WorkerProcessView[] };
  exits: Partial<Record<ExitReason, number>>;
  /** The latest sample's decision, whatever it was. */
  lastDecision: ScalingDecision | null;
  /** The latest decisions that changed the pool size, oldest first. */
  scalingEvents: ScalingDecision[];
}

/** A worker that exits sooner than this after its start counts toward the crash-loop backoff. */
const QUICK_EXIT_MS = 10_000;
const MAX_RESTART_BACKOFF_MS = 60_000;
const KEPT_EVENTS = 50;

/**
 * Keeps the number of worker processes on this host where the queue depth says, sampling the
 * worker-runs consumer every `pollMs` and applying the HPA-like rule (scaling-policy.ts).
 * A worker that dies on its own is replaced (with a crash-loop backoff); stopping the pool stops
 * its workers gracefully.
 */
@Injectable()
export class PoolService implements OnApplicationBootstrap, OnApplicationShutdown {
  private scaling: ScalingState = initialScalingState();
  private target: number;
  private queue: PoolState['queue'] = null;
  private lastDecision: ScalingDecision | null = null;
  private readonly events: ScalingDecision[] = [];
  private readonly exits: Partial<Record<ExitReason, number>> = {};
  private readonly task: PeriodicTask;
  private shuttingDown = false;
  /** Starts asked for and not yet spawned (a free port is being found). */
  private starting = 0;
  private quickExits = 0;
  private restartNotBeforeMs = 0;

  constructor(
    private readonly depth: QueueDepthRepository,
    private readonly fleet: WorkerProcessRepository,
    private readonly metrics: PoolMetrics,
    @Inject(POOL_OPTIONS) private readonly options: PoolOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.target = options.rules.minWorkers;
    this.task = new PeriodicTask('pool scaling', options.pollMs, () => this.sample(), logger);
  }

  onApplicationBootstrap(): void {
    this.fleet.onExit((exit) => this.exited(exit));
    this.metrics.workersDesired.set(this.target);
    this.reconcile();
    this.task.start();
    void this.task.runOnce();
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.task.stop();
    this.logger.info({ workers: this.fleet.running().length }, 'stopping workers');
    await this.fleet.stopAll('shutdown');
  }

  /** One pass: read the depth, decide, and bring the processes to the decision. */
  async sample(): Promise<void> {
    if (this.shuttingDown) return;
    let queue: QueueDepth;
    try {
      queue = await this.depth.read();
    } catch (error) {
      // No metric, no decision (as KEDA keeps the replicas when its scaler errors); workers that died are still replaced.
      this.logger.warn({ err: error }, 'queue depth unavailable; keeping the pool as it is');
      this.reconcile();
      return;
    }
    const nowMs = Date.now();
    this.queue = { ...queue, sampledAtMs: nowMs };
    this.metrics.queueDepth.set(queue.depth);
    const { decision, state } = decideScale(this.scaling, { depth: queue.depth, current: this.target, nowMs }, this.options.rules);
    this.scaling = state;
    this.lastDecision = decision;
    if (decision.direction !== 'none') {
      this.target = decision.target;
      this.events.push(decision);
      if (this.events.length > KEPT_EVENTS) this.events.shift();
      this.metrics.scaleEvents.inc({ direction: decision.direction });
      this.metrics.workersDesired.set(this.target);
      this.logger.info({ depth: queue.depth, from: decision.current, to: decision.target, desired: decision.desired }, `scale ${decision.direction}: ${decision.reason}`);
    }
    this.reconcile();
  }

  state(): PoolState {
    const processes = this.fleet.list();
    return {
      rules: this.options.rules,
      pollMs: this.options.pollMs,
      queue: this.queue,
      workers: { current: processes.filter((p) => p.state === 'running').length, desired: this.target, processes },
      exits: { ...this.exits },
      lastDecision: this.lastDecision,
      scalingEvents: [...this.events],
    };
  }

  /** Starts or stops processes until as many run as the target (the newest are stopped first). */
  private reconcile(): void {
    if (this.shuttingDown) return;
    const running = this.fleet.running();
    if (running.length > this.target) {
      for (const worker of running.slice(this.target).reverse()) {
        void this.fleet.stop(worker.id, 'scaled-down').catch((error: unknown) => this.logger.error({ err: error, workerId: worker.id }, 'worker stop failed'));
      }
    } else if (running.length + this.starting < this.target && Date.now() >= this.restartNotBeforeMs) {
      for (let i = running.length + this.starting; i < this.target; i++) {
        this.starting++;
        void this.fleet
          .start()
          .catch((error: unknown) => this.logger.error({ err: error }, 'worker start failed'))
          .finally(() => {
            this.starting--;
            this.metrics.workers.set(this.fleet.running().length);
          });
      }
    }
    this.metrics.workers.set(this.fleet.running().length);
  }

  private exited(exit: WorkerExit): void {
    this.exits[exit.reason] = (this.exits[exit.reason] ?? 0) + 1;
    this.metrics.workerExits.inc({ reason: exit.reason });
    this.metrics.workers.set(this.fleet.running().length);
    if (exit.reason !== 'crashed' || this.shuttingDown) return;
    // Replace it at once, unless workers keep dying right after their start (then back off, like a CrashLoopBackOff).
    this.quickExits = exit.ranMs < QUICK_EXIT_MS ? this.quickExits + 1 : 0;
    const backoffMs = this.quickExits > 1 ? Math.min(MAX_RESTART_BACKOFF_MS, this.options.pollMs * 2 ** (this.quickExits - 1)) : 0;
    this.restartNotBeforeMs = Date.now() + backoffMs;
    this.logger.warn({ workerId: exit.worker.id, code: exit.code, signal: exit.signal, backoffMs }, 'worker died; replacing it');
    this.reconcile();
  }
}

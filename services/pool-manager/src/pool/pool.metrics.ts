import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@af/observability';
import type { Counter, Gauge } from 'prom-client';

/** The pool manager's metrics (on the service registry, served at /metrics). */
@Injectable()
export class PoolMetrics {
  readonly queueDepth: Gauge;
  readonly workers: Gauge;
  readonly workersDesired: Gauge;
  readonly scaleEvents: Counter<'direction'>;
  readonly workerExits: Counter<'reason'>;

  constructor(metrics: MetricsRegistry) {
    this.queueDepth = metrics.gauge('af_pool_queue_depth', 'num_pending + num_ack_pending of the worker-runs consumer at the last sample (what KEDA reads)');
    this.workers = metrics.gauge('af_pool_workers', 'Worker processes running (not counting those being stopped)');
    this.workersDesired = metrics.gauge('af_pool_workers_desired', 'Worker processes the pool aims for after the scaling rule');
    this.scaleEvents = metrics.counter('af_pool_scale_events_total', 'Scaling decisions that changed the pool size, by direction (up, down)', ['direction']);
    this.workerExits = metrics.counter('af_pool_worker_exits_total', 'Worker process exits, by reason (scaled-down, shutdown, killed: did not stop in time, crashed: exited on its own and was replaced)', ['reason']);
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { TenantId } from '@af/contracts';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { DeadLetterRepository } from '../dead-letters/dead-letter.repository.js';
import { StreamMessageRepository } from '../dead-letters/run-stream.repository.js';
import { Dispatcher } from '../dispatch/dispatch.service.js';
import { RECONCILER_OPTIONS, type ReconcilerOptions } from './reconciler.config.js';
import { ReconcilerRepository, type StuckRun } from './reconciler.repository.js';

export type Repair = 'waiting_for_worker' | 'redispatched' | 'dead_lettered' | 'skipped';

/**
 * Nothing stays stuck, nothing is silently repeated. Every pass finds runs past their deadline —
 * dispatched but not started for dispatchTimeoutMs, or running (never waiting) with no transition and no
 * step for stallTimeoutMs — and looks their ExecuteRun up on AF_RUNS by its stream sequence:
 * - still there and queued, never started: it waits for a worker (left alone: JetStream and the
 *   consumer's MaxDeliver own it);
 * - still there while the run stalled running: its consumer gave up on it or its worker hangs —
 *   dead-lettered (the message removed);
 * - gone (acked or removed without the run finishing — a lost message or a lost result): a new
 *   dispatch (dispatch + 1, so a new message id: the old one may still be in the de-duplication
 *   window) up to maxDispatches, then dead-lettered. Re-executing a run replays its journalled steps.
 * Every repair is logged and counted (af_reconciler_repairs_total).
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private readonly repairs: Counter<'action' | 'status'>;

  constructor(
    private readonly repository: ReconcilerRepository,
    private readonly messages: StreamMessageRepository,
    private readonly deadLetters: DeadLetterRepository,
    private readonly dispatcher: Dispatcher,
    @Inject(RECONCILER_OPTIONS) private readonly options: ReconcilerOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('run reconciler', options.intervalMs, () => this.reconcile(), logger);
    this.repairs = metrics.counter('af_reconciler_repairs_total', 'Stuck runs found by the reconciler, by action and the run status', ['action', 'status']);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; returns what it did to each stuck run. */
  async reconcile(): Promise<Array<{ runId: string; action: Repair }>> {
    const stuck = await this.repository.findStuck(this.options.dispatchTimeoutMs, this.options.stallTimeoutMs, 100);
    const done: Array<{ runId: string; action: Repair }> = [];
    for (const run of stuck) {
      const action = await this.repair(run);
      done.push({ runId: run.id, action });
      if (action !== 'waiting_for_worker') this.repairs.inc({ action, status: run.status });
    }
    return done;
  }

  private async repair(run: StuckRun): Promise<Repair> {
    const tenantId = run.tenantId as TenantId;
    // Sequence 0: dispatched before dispatch numbers existed; its message cannot be looked up.
    if (run.dispatchSeq <= 0) return 'skipped';
    const message = await this.messages.get('AF_RUNS', run.dispatchSeq);
    if (message && run.status === 'queued') return 'waiting_for_worker';
    if (message || run.dispatch >= this.options.maxDispatches) {
      const reason = message
        ? `stalled: ${run.status} with no progress for ${Math.round(run.idleSec)} s while its ExecuteRun (AF_RUNS #${run.dispatchSeq}) was still on the queue`
        : `stalled: ${run.status} with no progress for ${Math.round(run.idleSec)} s, its ExecuteRun is gone from AF_RUNS and it was dispatched ${run.dispatch} times (the limit)`;
      const { runMoved } = await this.deadLetters.record(
        tenantId,
        { id: randomUUID(), runId: run.id, stream: 'AF_RUNS', consumer: 'reconciler', subject: 'af.v1.runs.execute', streamSeq: null, deliveries: 0, source: 'stalled', code: 'STALLED', reason, payload: message ? message.data : null },
        true,
      );
      if (message) await this.messages.delete('AF_RUNS', run.dispatchSeq);
      this.logger.warn({ runId: run.id, tenantId, status: run.status, dispatch: run.dispatch, runMoved }, `reconciler dead-lettered a stuck run: ${reason}`);
      if (runMoved) this.dispatcher.trigger();
      return 'dead_lettered';
    }
    const claimed = await this.repository.redispatch(tenantId, run.id, run.dispatch);
    if (!claimed) return 'skipped';
    const published = await this.dispatcher.publishClaimed(claimed);
    this.logger.warn(
      { runId: run.id, tenantId, status: run.status, dispatch: claimed.dispatch, idleSec: Math.round(run.idleSec), published },
      `reconciler re-dispatched a run whose ExecuteRun is gone from AF_RUNS (dispatch ${claimed.dispatch})`,
    );
    return 'redispatched';
  }
}

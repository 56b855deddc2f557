import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { parseTenantId } from '@af/contracts';
import { LOGGER, RequestContext, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { ORCHESTRATOR_OPTIONS, type OrchestratorOptions } from './orchestrator.options.js';
import { RunRepository } from './run.repository.js';
import { RunService } from './run.service.js';

/**
 * The outbox relay: a run recorded in PostgreSQL but never confirmed on the JetStream work queue
 * (JetStream refused the publish, or the process died between the two) is queued again, under
 * its own tenant, correlation id and trace. The run id is the message id, so a run that did reach
 * the queue is stored only once.
 */
@Injectable()
export class RunOutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly runs: RunRepository,
    private readonly service: RunService,
    @Inject(ORCHESTRATOR_OPTIONS) private readonly options: OrchestratorOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('run outbox relay', options.outboxIntervalMs, () => this.relay(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; returns how many runs it queued. */
  async relay(): Promise<number> {
    const pending = await this.runs.findUnqueued(this.options.outboxGraceMs, 100);
    let queued = 0;
    for (const run of pending) {
      const parent = /^[0-9a-f]{32}$/.test(run.traceId)
        ? trace.setSpanContext(context.active(), { traceId: run.traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true })
        : context.active();
      const ok = await context.with(parent, () =>
        RequestContext.run({ tenantId: run.tenantId, correlationId: run.correlationId }, () => this.service.enqueue(parseTenantId(run.tenantId), run)),
      );
      if (ok) queued++;
    }
    if (pending.length > 0) this.logger.info({ pending: pending.length, queued }, 'outbox relay queued recorded runs');
    return queued;
  }
}

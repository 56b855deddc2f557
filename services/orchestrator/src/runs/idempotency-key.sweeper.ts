import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { ORCHESTRATOR_OPTIONS, type OrchestratorOptions } from './orchestrator.options.js';
import { RunRepository } from './run.repository.js';

/** Deletes submission Idempotency-Keys past their time to live (at least 24 h). */
@Injectable()
export class IdempotencyKeySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly runs: RunRepository,
    @Inject(ORCHESTRATOR_OPTIONS) private readonly options: OrchestratorOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('idempotency key sweeper', options.idempotencySweepIntervalMs, () => this.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; returns how many keys it deleted. */
  async sweep(): Promise<number> {
    const deleted = await this.runs.deleteIdempotencyKeys(this.options.idempotencyKeyTtlMs);
    if (deleted > 0) this.logger.info({ deleted }, 'expired Idempotency-Keys deleted');
    return deleted;
  }
}

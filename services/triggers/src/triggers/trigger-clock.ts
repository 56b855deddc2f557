import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { TriggersService } from './triggers.service.js';
import { TRIGGERS_OPTIONS, type TriggersOptions } from './triggers.options.js';

/**
 * The schedule clock (every TRIGGERS_TICK_INTERVAL_MS, at most 1 s) and the pruning of used
 * webhook signatures (every minute). Every instance runs both: claims are SKIP LOCKED and a
 * tick is inserted once.
 */
@Injectable()
export class TriggerClock implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly schedules: PeriodicTask;
  readonly prune: PeriodicTask;

  constructor(service: TriggersService, @Inject(TRIGGERS_OPTIONS) options: TriggersOptions, @Inject(LOGGER) logger: Logger) {
    this.schedules = new PeriodicTask('schedule ticks', options.tickIntervalMs, () => service.tick(), logger);
    this.prune = new PeriodicTask('used webhook signatures', 60_000, () => service.pruneSignatures(), logger);
  }

  onApplicationBootstrap(): void {
    this.schedules.start();
    this.prune.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.schedules.stop(), this.prune.stop()]);
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { MeteringService } from './metering.service.js';
import { METERING_OPTIONS, type MeteringOptions } from './metering.options.js';

/**
 * Releases open reservations past their expiry every METERING_SWEEP_INTERVAL_MS. Several
 * instances may sweep at once: rows are locked with SKIP LOCKED.
 */
@Injectable()
export class ReservationClock implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly sweeper: PeriodicTask;

  constructor(service: MeteringService, @Inject(METERING_OPTIONS) options: MeteringOptions, @Inject(LOGGER) logger: Logger) {
    this.sweeper = new PeriodicTask('expired reservations sweep', options.sweepIntervalMs, () => service.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }
}

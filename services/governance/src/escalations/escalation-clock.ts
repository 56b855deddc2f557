import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { EscalationService } from './escalation.service.js';
import { ESCALATIONS_OPTIONS, type EscalationsOptions } from './escalations.options.js';

/**
 * The governance service's own clock: the deadline sweeper (every GOVERNANCE_SWEEP_INTERVAL_MS)
 * and the outbox relay (every GOVERNANCE_OUTBOX_INTERVAL_MS). Several instances may run both:
 * the sweep locks rows with SKIP LOCKED, and a republished event carries the same msgId.
 */
@Injectable()
export class EscalationClock implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly sweeper: PeriodicTask;
  readonly relay: PeriodicTask;

  constructor(service: EscalationService, @Inject(ESCALATIONS_OPTIONS) options: EscalationsOptions, @Inject(LOGGER) logger: Logger) {
    this.sweeper = new PeriodicTask('escalation deadline sweep', options.sweepIntervalMs, () => service.sweep(), logger);
    this.relay = new PeriodicTask('escalation outbox relay', options.outboxIntervalMs, () => service.relay(), logger);
  }

  onApplicationBootstrap(): void {
    this.sweeper.start();
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.sweeper.stop(), this.relay.stop()]);
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { BlueprintRepository } from './blueprint.repository.js';
import { BlueprintService } from './blueprint.service.js';
import { BLUEPRINTS_OPTIONS, type BlueprintsOptions } from './blueprints.options.js';

/**
 * Transactional outbox relay: a stored version whose versioned event, or an archive/restore whose
 * event, did not reach JetStream (broker down at the time) is published again; the deterministic msgId makes repeats harmless.
 */
@Injectable()
export class BlueprintOutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly blueprints: BlueprintRepository,
    private readonly service: BlueprintService,
    @Inject(BLUEPRINTS_OPTIONS) private readonly options: BlueprintsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('blueprint outbox relay', options.outboxIntervalMs, () => this.relay(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass: versions older than one interval that are still unpublished. */
  async relay(): Promise<number> {
    try {
      const pending = await this.blueprints.findUnpublished(this.options.outboxIntervalMs, 100);
      for (const version of pending) await this.service.publishVersioned(version);
      const archiveEvents = await this.blueprints.findUnpublishedArchiveEvents(this.options.outboxIntervalMs, 100);
      for (const event of archiveEvents) await this.service.publishArchiveChanged(event);
      const count = pending.length + archiveEvents.length;
      if (count > 0) this.logger.info({ versioned: pending.length, archiveChanged: archiveEvents.length }, 'outbox relay republished events');
      return count;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay pass failed');
      return 0;
    }
  }
}

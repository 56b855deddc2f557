import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import type { Counter } from 'prom-client';
import { MemoryRepository } from './memory.repository.js';
import { MEMORIES_OPTIONS, type MemoriesOptions } from './memories.options.js';

const BATCH = 1_000;
const MAX_BATCHES_PER_PASS = 100;

/**
 * Retention (every MEMORY_RETENTION_INTERVAL_MS): deletes memories past their expiry and episodes
 * older than their tenant's retention (MEMORY_RETENTION_DAYS, MEMORY_RETENTION_TENANT_DAYS), in
 * batches of 1 000 rows locked with SKIP LOCKED, so several instances share the work.
 */
@Injectable()
export class MemoryRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly task: PeriodicTask;
  private readonly deleted: Counter<'kind'>;

  constructor(
    private readonly memories: MemoryRepository,
    @Inject(MEMORIES_OPTIONS) private readonly options: MemoriesOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deleted = metrics.counter('af_memory_retention_deleted_total', 'Expired memories and episodes deleted by the retention job', ['kind']);
    this.task = new PeriodicTask('memory retention', options.retentionIntervalMs, () => this.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass: batches until nothing expired is left (bounded). Returns the counts. */
  async sweep(): Promise<{ memories: number; episodes: number }> {
    const total = { memories: 0, episodes: 0 };
    for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
      const batch = await this.memories.deleteExpired(this.options.retentionDays, this.options.retentionOverrides, BATCH);
      total.memories += batch.memories;
      total.episodes += batch.episodes;
      this.deleted.inc({ kind: 'memory' }, batch.memories);
      this.deleted.inc({ kind: 'episode' }, batch.episodes);
      if (batch.memories < BATCH && batch.episodes < BATCH) break;
    }
    if (total.memories + total.episodes > 0) this.logger.info(total, 'memory retention deleted expired memories and episodes');
    return total;
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { LOGGER, type Logger } from '@af/observability';
import { ActiveDeploymentWatchRepository, type RegistryChange, type RegistryWatcher } from './active-deployment-watch.repository.js';
import { ArtifactWarmer } from './artifact-warmer.js';

/** Warm-ups of registry changes running at once on one worker. */
export const WATCH_WARM_CONCURRENCY = 2;
/** Warm-ups waiting; beyond it the oldest waiting one is dropped (a run warms it anyway, cold). */
export const WATCH_WARM_QUEUE = 256;
const RESTART_DELAY_MS = 2_000;

/**
 * Follows the registry of active deployments (KV `activeDeployments`, kv.watch: an ordered
 * consumer, granted by kvAccess.activeDeployments.watchers) and, when an entry's active or canary
 * artifact changes, warms that artifact in the background so the switch finds this worker warm.
 * Entries present when the watch starts are only remembered (a worker warms an agent's artifact
 * when it changes, or on its first run). Bounded: {@link WATCH_WARM_CONCURRENCY} warm-ups at once,
 * at most {@link WATCH_WARM_QUEUE} waiting (one per artifact); failures are logged, never thrown;
 * a watch that ends is restarted.
 */
@Injectable()
export class RegistryWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Per registry key, the artifacts it names (active, canary): what a change is compared with. */
  private readonly seen = new Map<string, string[]>();
  private readonly queue = new Map<string, { tenantId: TenantId; hash: string }>();
  private running = 0;
  private watcher: RegistryWatcher | undefined;
  private stopped = false;

  constructor(
    private readonly registry: ActiveDeploymentWatchRepository,
    private readonly warmer: ArtifactWarmer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.queue.clear();
    this.watcher?.stop();
  }

  /** Registry changes seen and warm-ups waiting or running (tests). */
  get pending(): number {
    return this.queue.size + this.running;
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        this.watcher = await this.registry.watch();
        for await (const entry of this.watcher.changes) {
          if (this.stopped) break;
          this.onEntry(entry);
        }
      } catch (error) {
        if (!this.stopped) this.logger.warn({ err: error }, 'registry watch failed; restarting it');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS).unref());
    }
  }

  private onEntry(change: RegistryChange): void {
    if ('deleted' in change) {
      this.seen.delete(change.key);
      return;
    }
    if ('unreadable' in change) {
      this.logger.warn({ err: change.unreadable, key: change.key }, 'registry entry not understood; not warmed');
      return;
    }
    const before = this.seen.get(change.key);
    this.seen.set(change.key, change.artifacts);
    // What the watch started with: remembered, not warmed.
    if (!change.isUpdate) return;
    for (const hash of change.artifacts) if (!before?.includes(hash)) this.enqueue(change.tenantId, hash);
  }

  private enqueue(tenantId: TenantId, hash: string): void {
    const key = `${tenantId}/${hash}`;
    if (this.queue.has(key)) return;
    if (this.queue.size >= WATCH_WARM_QUEUE) {
      const oldest = this.queue.keys().next().value!;
      this.queue.delete(oldest);
      this.logger.warn({ dropped: oldest }, 'registry warm-up queue full: the oldest waiting warm-up dropped');
    }
    this.queue.set(key, { tenantId, hash });
    this.drain();
  }

  private drain(): void {
    while (this.running < WATCH_WARM_CONCURRENCY && this.queue.size > 0 && !this.stopped) {
      const [key, next] = this.queue.entries().next().value!;
      this.queue.delete(key);
      this.running++;
      this.warmer
        .warm(next.tenantId, next.hash, 'watch')
        .then(({ fetched, warmedInMs }) => this.logger.info({ tenantId: next.tenantId, artifactHash: next.hash, fetched, warmedInMs: Math.round(warmedInMs) }, 'artifact warmed after a registry change'))
        .catch((error: unknown) => this.logger.warn({ err: error, tenantId: next.tenantId, artifactHash: next.hash }, 'could not warm an artifact after a registry change'))
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { MessageBus } from '@af/messaging';
import { WorkerMetrics } from '../worker.metrics.js';
import { parseArtifact, type Artifact } from './artifact.js';
import { LruCache } from './lru-cache.js';

export const ARTIFACT_CACHE_SIZE = Symbol.for('af.worker.artifactCacheSize');

/**
 * Artifacts by hash, from the compilation service (`af.v1.compilation.artifact.get`), kept parsed
 * in a bounded in-process LRU. Artifacts are immutable, so a cached one never goes stale; the key
 * carries the tenant because access to an artifact is per tenant.
 */
@Injectable()
export class ArtifactRepository {
  private readonly cache: LruCache<string, Artifact>;

  constructor(
    private readonly bus: MessageBus,
    private readonly metrics: WorkerMetrics,
    @Inject(ARTIFACT_CACHE_SIZE) cacheSize: number,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  /** Whether the artifact is in the in-process cache (warm-up reports `fetched` by it). */
  has(tenantId: TenantId, hash: string): boolean {
    return this.cache.has(`${tenantId}/${hash}`);
  }

  /** Throws AppError NOT_FOUND (unknown to this tenant) or UNAVAILABLE/TIMEOUT (compilation down). */
  async get(tenantId: TenantId, hash: string): Promise<Artifact> {
    const key = `${tenantId}/${hash}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.metrics.artifactCache.inc({ layer: 'lru', result: 'hit' });
      return cached;
    }
    this.metrics.artifactCache.inc({ layer: 'lru', result: 'miss' });
    const reply = await this.bus.request('af.v1.compilation.artifact.get', { artifactHash: hash }, { tenantId });
    const artifact = parseArtifact(reply.artifactHash, reply.artifactJson);
    this.cache.set(key, artifact);
    return artifact;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TenantId } from '@af/contracts';
import { REDIS } from '@af/persistence';
import type { StoredArtifact } from './artifact.repository.js';

/**
 * The hot cache in front of PostgreSQL (Redis, per tenant, bounded TTL): artifacts by hash and the
 * compile cache (source key → artifact hash). Artifacts are immutable, so an entry never goes
 * stale; the TTL only bounds memory. The only place this service talks to Redis.
 */
@Injectable()
export class ArtifactCacheRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async findArtifact(tenantId: TenantId, hash: string): Promise<StoredArtifact | null> {
    const raw = await this.redis.get(this.artifactKey(tenantId, hash));
    if (raw === null) return null;
    try {
      const value = JSON.parse(raw) as Omit<StoredArtifact, 'createdAt'> & { createdAt: string };
      if (value.hash !== hash || typeof value.json !== 'string') return null;
      return { ...value, createdAt: new Date(value.createdAt) };
    } catch {
      return null;
    }
  }

  async saveArtifact(tenantId: TenantId, artifact: StoredArtifact, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.artifactKey(tenantId, artifact.hash), JSON.stringify({ ...artifact, createdAt: artifact.createdAt.toISOString() }), 'EX', ttlSeconds);
  }

  async findHashBySource(tenantId: TenantId, sourceKey: string): Promise<string | null> {
    return this.redis.get(this.sourceKey(tenantId, sourceKey));
  }

  async saveSource(tenantId: TenantId, sourceKey: string, hash: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.sourceKey(tenantId, sourceKey), hash, 'EX', ttlSeconds);
  }

  async ttl(tenantId: TenantId, hash: string): Promise<number> {
    return this.redis.ttl(this.artifactKey(tenantId, hash));
  }

  private artifactKey(tenantId: TenantId, hash: string): string {
    return `compilation:artifact:${tenantId}:${hash}`;
  }

  private sourceKey(tenantId: TenantId, sourceKey: string): string {
    return `compilation:source:${tenantId}:${sourceKey}`;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TenantId } from '@af/contracts';
import { REDIS } from '@af/persistence';
import type { Report } from '../validator/findings.js';

/** Reports cached in Redis per tenant under a content key; the only place this service does I/O. */
@Injectable()
export class ValidationCacheRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async find(tenantId: TenantId, key: string): Promise<Report | null> {
    const raw = await this.redis.get(this.keyOf(tenantId, key));
    if (raw === null) return null;
    try {
      const value = JSON.parse(raw) as Partial<Report>;
      return isReport(value) ? value : null;
    } catch {
      return null;
    }
  }

  async save(tenantId: TenantId, key: string, report: Report, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keyOf(tenantId, key), JSON.stringify(report), 'EX', ttlSeconds);
  }

  async ttl(tenantId: TenantId, key: string): Promise<number> {
    return this.redis.ttl(this.keyOf(tenantId, key));
  }

  private keyOf(tenantId: TenantId, key: string): string {
    return `validation:report:${tenantId}:${key}`;
  }
}

function isReport(value: Partial<Report>): value is Report {
  return typeof value.valid === 'boolean' && Array.isArray(value.errors) && Array.isArray(value.warnings) && Array.isArray(value.suggestions);
}

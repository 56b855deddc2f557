import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ServiceName } from '@af/contracts';
import { REDIS } from '@af/persistence';
import type { InstanceHeartbeat } from './mesh-state.js';

/**
 * The latest heartbeat of every instance, in Redis: `hb:i:<service>:<instance>` (JSON, expires
 * after the expiry window) and an index `hb:s:<service>` (sorted set of instance ids by receive
 * time). Heartbeats describe the platform, not a tenant's data: these keys carry no tenant.
 */
@Injectable()
export class HeartbeatRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async record(heartbeat: InstanceHeartbeat, expireAfterMs: number): Promise<void> {
    await this.redis
      .multi()
      .set(instanceKey(heartbeat.service, heartbeat.instanceId), JSON.stringify(heartbeat), 'PX', expireAfterMs)
      .zadd(indexKey(heartbeat.service), String(heartbeat.receivedAtMs), heartbeat.instanceId)
      .pexpire(indexKey(heartbeat.service), expireAfterMs)
      .exec();
  }

  /** Instances of each service heard from within the expiry window (older index entries are pruned). */
  async instancesOf(services: readonly ServiceName[], nowMs: number, expireAfterMs: number): Promise<Map<ServiceName, InstanceHeartbeat[]>> {
    const index = this.redis.pipeline();
    for (const service of services) {
      index.zremrangebyscore(indexKey(service), '-inf', `(${nowMs - expireAfterMs}`);
      index.zrange(indexKey(service), '0', '-1');
    }
    const results = (await index.exec()) ?? [];
    const ids = services.map((service, i) => ({ service, instanceIds: (results[i * 2 + 1]?.[1] as string[] | undefined) ?? [] }));
    const keys = ids.flatMap(({ service, instanceIds }) => instanceIds.map((id) => instanceKey(service, id)));
    const values = keys.length > 0 ? await this.redis.mget(...keys) : [];
    const known = new Map<ServiceName, InstanceHeartbeat[]>(services.map((s) => [s, []]));
    for (const value of values) {
      if (!value) continue;
      const heartbeat = JSON.parse(value) as InstanceHeartbeat;
      if (nowMs - heartbeat.receivedAtMs <= expireAfterMs) known.get(heartbeat.service)?.push(heartbeat);
    }
    return known;
  }
}

const instanceKey = (service: ServiceName, instanceId: string) => `hb:i:${service}:${instanceId}`;
const indexKey = (service: ServiceName) => `hb:s:${service}`;

import { bootstrapService, type RunningService } from '@af/runtime';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { uniqueName } from '@af/testing';
import type { TenantId } from '@af/contracts';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { loadMemoryConfig } from '../config.js';
import { RunGraphRepository } from '../graph/run-graph.repository.js';

/**
 * Boots the real memory service (HTTP on a free port, real NATS, PostgreSQL, Redis and Neo4j)
 * with its own PostgreSQL schema and Redis key prefix. Neo4j is shared: tests use their own
 * tenant ids and delete those tenants' graphs when they stop.
 */
export async function startMemory(): Promise<{ service: RunningService; schema: string; redisKeyPrefix: string; stop(tenants: TenantId[]): Promise<void> }> {
  const config = loadMemoryConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' });
  const schema = uniqueName('memory_test');
  const redisKeyPrefix = `${uniqueName('memory_test')}:`;
  const service = await bootstrapService({
    service: 'memory',
    ...config,
    http: { ...config.http, port: 0 },
    module: (runtime) => AppModule.forRoot(config, runtime, { schema, redisKeyPrefix }),
  });
  return {
    service,
    schema,
    redisKeyPrefix,
    async stop(tenants) {
      const graph = service.app.get(RunGraphRepository);
      for (const tenant of tenants) await graph.deleteTenant(tenant);
      await service.close();
      const ds = new DataSource({ type: 'postgres', url: config.database.url });
      await ds.initialize();
      await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ds.destroy();
      const redis = new Redis(config.redis.url);
      const keys = await redis.keys(`${redisKeyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** A client of the mesh as another service would be: its own NATS connection and MessageBus. */
export async function connectClient() {
  const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, service: 'gateway', instanceId: uniqueName('test') });
  await provisionFor(nc, { service: 'gateway' });
  const { jetstream } = await import('@nats-io/jetstream');
  const bus = new MessageBus(nc, jetstream(nc), { service: 'gateway', url, requestTimeoutMs: 5_000, instanceId: 'test' });
  return { nc, bus, close: () => nc.drain() };
}

export async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

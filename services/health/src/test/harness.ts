import { bootstrapService, type RunningService } from '@af/runtime';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { uniqueName } from '@af/testing';
import { Redis } from 'ioredis';
import { AppModule } from '../app.module.js';
import { loadHealthConfig } from '../config.js';

/**
 * Boots the real health service (HTTP on a free port, real NATS and Redis) with its own Redis
 * key prefix. Heartbeats of a running mesh arrive too (core NATS has no isolation): tests
 * assert on their own instance ids.
 */
export async function startHealth(env: Record<string, string> = {}): Promise<{ service: RunningService; redisKeyPrefix: string; stop(): Promise<void> }> {
  const config = loadHealthConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', ...env });
  const redisKeyPrefix = `${uniqueName('health_test')}:`;
  const service = await bootstrapService({
    service: 'health',
    ...config,
    http: { ...config.http, port: 0 },
    module: (runtime) => AppModule.forRoot(config, runtime, { redisKeyPrefix }),
  });
  return {
    service,
    redisKeyPrefix,
    async stop() {
      await service.close();
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

/** The service's HTTP base URL on the port it actually listens on. */
export function httpUrl(service: RunningService): string {
  const address = service.app.getHttpServer().address() as { address: string; port: number };
  return `http://127.0.0.1:${address.port}`;
}

export async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

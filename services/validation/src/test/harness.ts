import { bootstrapService, type RunningService } from '@af/runtime';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { openRedis } from '@af/persistence';
import { uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadValidationConfig } from '../config.js';

/** Boots the real validation service (HTTP on a free port, real NATS and Redis, its own key prefix). */
export async function startValidation(env: Record<string, string> = {}): Promise<{ service: RunningService; keyPrefix: string; stop(): Promise<void> }> {
  const keyPrefix = `${uniqueName('aftest')}:`;
  const config = loadValidationConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', REDIS_KEY_PREFIX: keyPrefix, ...env });
  const service = await bootstrapService({
    service: 'validation',
    ...config,
    http: { ...config.http, port: 0 },
    module: (runtime) => AppModule.forRoot(config, runtime),
  });
  return {
    service,
    keyPrefix,
    async stop() {
      await service.close();
      const redis = await openRedis(config.redis.url, '');
      const keys = await redis.keys(`${keyPrefix}*`);
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

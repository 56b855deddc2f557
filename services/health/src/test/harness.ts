import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { deleteRedisKeys, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadHealthConfig } from '../config.js';
import { OUTCOME_CONSUMER_CONCURRENCY } from '../outcomes/run-outcome.service.js';

export { connectTestClient as connectClient, httpUrl } from '@af/runtime/testing';
export { until } from '@af/testing';

/**
 * Boots the real health service (free port, real NATS and Redis) with its own Redis key prefix.
 * Heartbeats of a running mesh arrive too (core NATS has no isolation): tests assert on their
 * own instance ids.
 */
export async function startHealth(env: Record<string, string> = {}): Promise<{ service: RunningService; redisKeyPrefix: string; stop(): Promise<void> }> {
  const config = loadHealthConfig({ ...process.env, ...env });
  const redisKeyPrefix = `${uniqueName('health_test')}:`;
  const { service } = await startTestService({ service: 'health', ...config, consumerConcurrency: OUTCOME_CONSUMER_CONCURRENCY, module: (runtime) => AppModule.forRoot(config, runtime, { redisKeyPrefix }) });
  return {
    service,
    redisKeyPrefix,
    async stop() {
      await service.close();
      await deleteRedisKeys(config.redis.url, redisKeyPrefix);
    },
  };
}

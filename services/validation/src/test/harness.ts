import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { deleteRedisKeys, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadValidationConfig } from '../config.js';

export { connectTestClient as connectClient } from '@af/runtime/testing';

/** Boots the real validation service (free port, real NATS and Redis, its own key prefix). */
export async function startValidation(env: Record<string, string> = {}): Promise<{ service: RunningService; keyPrefix: string; stop(): Promise<void> }> {
  const keyPrefix = `${uniqueName('aftest')}:`;
  const config = loadValidationConfig({ ...process.env, REDIS_KEY_PREFIX: keyPrefix, ...env });
  const { service } = await startTestService({ service: 'validation', ...config, module: (runtime) => AppModule.forRoot(config, runtime) });
  return {
    service,
    keyPrefix,
    async stop() {
      await service.close();
      await deleteRedisKeys(config.redis.url, keyPrefix);
    },
  };
}

import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { deleteRedisKeys, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadValidationConfig } from '../config.js';

export { connectTestClient as connectClient } from '@af/runtime/testing';

/** Boots the real validation service (free port, real NATS and Redis, its own key prefix). */
export async function startValidation(env: Record<string, string> = {}): Promise<{ service: RunningService; keyPrefix: string; stop(): Promise<void> }> {
  const keyPrefix = `${uniqueName('aftest')}:`;
  // The providers the reference blueprint's route names (only AF_MODEL_PROVIDERS' keys matter to validation).
  const providers = JSON.stringify({ openai: {}, anthropic: {} });
  const config = loadValidationConfig({ ...process.env, REDIS_KEY_PREFIX: keyPrefix, AF_MODEL_PROVIDERS: providers, ...env });
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

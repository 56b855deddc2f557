import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { redisConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const validationConfigSpec = {
  ...serviceConfigSpec('validation'),
  nats: natsConfigSpec,
  redis: redisConfigSpec,
  cache: {
    ttlSeconds: env.int('VALIDATION_CACHE_TTL_SECONDS', { default: 3_600, min: 1, max: 86_400, description: 'How long a validation report stays cached in Redis' }),
  },
};

export type ValidationConfig = ReturnType<typeof loadValidationConfig>;

export function loadValidationConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(validationConfigSpec, source);
}

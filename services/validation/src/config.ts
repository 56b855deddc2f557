import { ConfigVarError, env, loadConfig, type VarSpec } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { redisConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

/**
 * The provider names of AF_MODEL_PROVIDERS (the workers' JSON object of providers by name), plus
 * the built-in `offline`: what a blueprint's model route may name. Only the object's keys are read
 * here — the entries (and the API key variables they name) are the worker's to check.
 */
export function modelProviderNamesVar(name: string): VarSpec<readonly string[]> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description: 'Model providers by name, as the workers have them (JSON object; only its keys are read here: the provider names a model route may use besides offline)',
    parse: (raw) => {
      if (!raw) return ['offline'];
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch (error) {
        throw new ConfigVarError(`must be JSON (${(error as Error).message})`);
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigVarError('must be a JSON object of model providers by name');
      return ['offline', ...Object.keys(doc).filter((k) => k !== 'offline')];
    },
  };
}

export const validationConfigSpec = {
  ...serviceConfigSpec('validation'),
  nats: natsConfigSpec,
  redis: redisConfigSpec,
  cache: {
    ttlSeconds: env.int('VALIDATION_CACHE_TTL_SECONDS', { default: 3_600, min: 1, max: 86_400, description: 'How long a validation report stays cached in Redis' }),
  },
  models: {
    providers: modelProviderNamesVar('AF_MODEL_PROVIDERS'),
  },
};

export type ValidationConfig = ReturnType<typeof loadValidationConfig>;

export function loadValidationConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(validationConfigSpec, source);
}

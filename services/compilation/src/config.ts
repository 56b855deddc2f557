import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec, redisConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const compilationConfigSpec = {
  ...serviceConfigSpec('compilation'),
  nats: natsConfigSpec,
  database: {
    ...databaseConfigSpec,
    /** The PostgreSQL schema the service owns (tests and side-by-side meshes use their own). */
    schema: env.string('COMPILATION_DB_SCHEMA', { default: 'compilation', pattern: /^[a-z_][a-z0-9_]{0,62}$/, description: 'PostgreSQL schema of the compilation service' }),
  },
  redis: redisConfigSpec,
  cache: {
    ttlSeconds: env.int('COMPILATION_CACHE_TTL_SECONDS', { default: 3_600, min: 1, max: 86_400, description: 'How long an artifact stays in the Redis hot cache' }),
  },
};

export type CompilationConfig = ReturnType<typeof loadCompilationConfig>;

export function loadCompilationConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(compilationConfigSpec, source);
}

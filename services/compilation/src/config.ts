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
  /** The type check of tool code: worker threads, each check under a deadline (tool-typecheck.pool.ts). */
  typecheck: {
    timeoutMs: env.int('COMPILATION_TYPECHECK_TIMEOUT_MS', { default: 5_000, min: 100, max: 60_000, description: 'Deadline of one blueprint\'s tool type check (past it: 422 COMPILE_TIMEOUT)' }),
    workers: env.int('COMPILATION_TYPECHECK_WORKERS', { default: 2, min: 1, max: 16, description: 'Worker threads that type-check tool code' }),
    maxSourceBytes: env.int('COMPILATION_TYPECHECK_MAX_SOURCE_BYTES', { default: 262_144, min: 1_024, max: 4_194_304, description: 'Total bytes of tool code one blueprint may hand to the type checker' }),
    maxQueue: env.int('COMPILATION_TYPECHECK_MAX_QUEUE', { default: 64, min: 1, max: 10_000, description: 'Type checks waiting for a worker before new ones answer UNAVAILABLE' }),
    memoryMb: env.int('COMPILATION_TYPECHECK_MEMORY_MB', { default: 512, min: 64, max: 8_192, description: 'Heap limit of each type-check worker thread' }),
  },
};

export type CompilationConfig = ReturnType<typeof loadCompilationConfig>;

export function loadCompilationConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(compilationConfigSpec, source);
}

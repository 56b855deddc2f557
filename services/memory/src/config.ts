import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec, redisConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';
import { neo4jConfigSpec } from './graph/neo4j.config.js';

export const memoryConfigSpec = {
  ...serviceConfigSpec('memory'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  redis: redisConfigSpec,
  neo4j: neo4jConfigSpec,
  workingMemory: {
    ttlSeconds: env.int('WORKING_MEMORY_TTL_SECONDS', { default: 3_600, min: 60, max: 7 * 24 * 3_600, description: 'How long a run’s working memory outlives its last write' }),
  },
};

export type MemoryConfig = ReturnType<typeof loadMemoryConfig>;

export function loadMemoryConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(memoryConfigSpec, source);
}

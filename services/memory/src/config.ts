import { ConfigVarError, env, loadConfig, type VarSpec } from '@af/config';
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
  events: {
    batchSize: env.int('MEMORY_EVENT_BATCH_SIZE', {
      default: 100,
      min: 1,
      max: 500,
      description: 'Most run events a memory tier writes in one batch (one Redis MULTI, one INSERT per tenant, one Cypher UNWIND); each tier consumer handles twice as many at once',
    }),
  },
  memories: {
    workingTtlSeconds: env.int('MEMORY_WORKING_TTL_SEC', { default: 86_400, min: 1, max: 30 * 24 * 3_600, description: 'Default TTL of an agent’s working memory (af.v1.memory.working.put without ttl_seconds)' }),
    workingMaxMessages: env.int('MEMORY_WORKING_MAX_MESSAGES', { default: 50, min: 1, max: 1_000, description: 'Message window of a working memory entry (oldest dropped)' }),
    retentionDays: env.int('MEMORY_RETENTION_DAYS', { default: 365, min: 1, max: 36_500, description: 'Default retention of stored memories and run episodes' }),
    retentionOverrides: tenantDays('MEMORY_RETENTION_TENANT_DAYS', 'Per-tenant retention, e.g. "acme=30,globex=7"'),
    retentionIntervalMs: env.int('MEMORY_RETENTION_INTERVAL_MS', { default: 3_600_000, min: 1_000, max: 86_400_000, description: 'How often the retention job deletes expired memories and episodes' }),
    embeddingsUrl: env.string('MEMORY_EMBEDDINGS_URL', { default: '', description: 'OpenAI-compatible embeddings base URL (e.g. https://api.openai.com/v1); empty = the offline hashing embedder' }),
    embeddingsModel: env.string('MEMORY_EMBEDDINGS_MODEL', { default: 'text-embedding-3-small' }),
    embeddingsApiKey: env.secret('MEMORY_EMBEDDINGS_API_KEY', { default: '' }),
    embeddingsDimensions: env.int('MEMORY_EMBEDDINGS_DIMENSIONS', { default: 256, min: 8, max: 4_096, description: 'Vector size of the embedder (the Neo4j vector index is created with it)' }),
  },
};

/** `tenant=days,tenant=days` → a map (empty = none). */
function tenantDays(name: string, description: string): VarSpec<ReadonlyMap<string, number>> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description,
    parse(raw) {
      const map = new Map<string, number>();
      for (const pair of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
        const match = /^([A-Za-z0-9][A-Za-z0-9_.:@-]{0,127})=(\d{1,5})$/.exec(pair);
        if (!match || Number(match[2]) < 1) throw new ConfigVarError(`must be tenant=days pairs separated by commas, got "${pair.slice(0, 60)}"`);
        map.set(match[1]!, Number(match[2]));
      }
      return map;
    },
  };
}

export type MemoryConfig = ReturnType<typeof loadMemoryConfig>;

/**
 * Messages each memory tier consumer handles at once: a batch being written and the next one
 * filling (the contract's default of 4 would cap every batch at 4).
 */
export function memoryConsumerConcurrency(config: Pick<MemoryConfig, 'events'>): Record<string, number> {
  const concurrency = config.events.batchSize * 2;
  return { 'memory-episodes': concurrency, 'memory-graph': concurrency, 'memory-working': concurrency };
}

export function loadMemoryConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(memoryConfigSpec, source);
}

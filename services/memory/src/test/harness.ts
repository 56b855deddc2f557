import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { deleteRedisKeys, dropSchema, uniqueName } from '@af/testing';
import type { TenantId } from '@af/contracts';
import { AppModule } from '../app.module.js';
import { loadMemoryConfig, memoryConsumerConcurrency } from '../config.js';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import { SemanticRepository } from '../memories/semantic.repository.js';

export { connectTestClient as connectClient } from '@af/runtime/testing';
export { until } from '@af/testing';

/**
 * Boots the real memory service (free port, real NATS, PostgreSQL, Redis and Neo4j) with its own
 * PostgreSQL schema and Redis key prefix. Neo4j is shared: tests use their own tenant ids and
 * delete those tenants' graphs when they stop.
 */
export async function startMemory(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; redisKeyPrefix: string; stop(tenants: TenantId[]): Promise<void> }> {
  const config = loadMemoryConfig({ ...process.env, ...env });
  const schema = uniqueName('memory_test');
  const redisKeyPrefix = `${uniqueName('memory_test')}:`;
  const { service } = await startTestService({ service: 'memory', ...config, consumerConcurrency: memoryConsumerConcurrency(config), module: (runtime) => AppModule.forRoot(config, runtime, { schema, redisKeyPrefix }) });
  return {
    service,
    schema,
    redisKeyPrefix,
    async stop(tenants) {
      const graph = service.app.get(RunGraphRepository);
      const semantic = service.app.get(SemanticRepository);
      for (const tenant of tenants) await graph.deleteTenant(tenant);
      for (const tenant of tenants) await semantic.deleteTenant(tenant);
      await service.close();
      await dropSchema(config.database.url, schema);
      await deleteRedisKeys(config.redis.url, redisKeyPrefix);
    },
  };
}

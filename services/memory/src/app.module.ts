import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule, RedisModule } from '@af/persistence';
import type { MemoryConfig } from './config.js';
import { EpisodesModule } from './episodes/episodes.module.js';
import { Neo4jModule } from './graph/neo4j.module.js';
import { MemoriesModule } from './memories/memories.module.js';
import { memoryDataSource } from './persistence/data-source.js';

export interface MemoryTestOverrides {
  /** A throwaway PostgreSQL schema. */
  schema?: string;
  /** A throwaway Redis key prefix. */
  redisKeyPrefix?: string;
}

@Module({})
export class AppModule {
  static forRoot(config: MemoryConfig, runtime: { logger: Logger; instanceId: string }, overrides: MemoryTestOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'memory', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'memory', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(memoryDataSource(config.database.url, overrides.schema, config.database.poolSize), config.database),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: overrides.redisKeyPrefix ?? config.redis.keyPrefix }),
        Neo4jModule.forRoot(config.neo4j),
        EpisodesModule.forRoot({ workingMemoryTtlSeconds: config.workingMemory.ttlSeconds, eventBatchSize: config.events.batchSize }),
        MemoriesModule.forRoot(config.memories),
      ],
    };
  }
}

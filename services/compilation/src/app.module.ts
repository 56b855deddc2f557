import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule, RedisModule } from '@af/persistence';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import type { CompilationConfig } from './config.js';
import { compilationDataSource } from './persistence/data-source.js';

@Module({})
export class AppModule {
  static forRoot(config: CompilationConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'compilation', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'compilation', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(compilationDataSource(config.database.url, schema ?? config.database.schema, config.database.poolSize), config.database),
        RedisModule.forRoot(config.redis),
        ArtifactsModule.forRoot({ cacheTtlSeconds: config.cache.ttlSeconds, typecheck: config.typecheck }),
      ],
    };
  }
}

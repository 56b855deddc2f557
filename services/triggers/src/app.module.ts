import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { TriggersConfig } from './config.js';
import { triggersDataSource } from './persistence/data-source.js';
import { TriggersModule } from './triggers/triggers.module.js';

@Module({})
export class AppModule {
  static forRoot(config: TriggersConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'triggers', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'triggers', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(triggersDataSource(config.database.url, schema, config.database.poolSize), config.database),
        TriggersModule.forRoot(config.triggers),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import { BlueprintsModule } from './blueprints/blueprints.module.js';
import type { BlueprintsConfig } from './config.js';
import { blueprintsDataSource } from './persistence/data-source.js';

@Module({})
export class AppModule {
  static forRoot(config: BlueprintsConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'blueprints', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'blueprints', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(blueprintsDataSource(config.database.url, schema, config.database.poolSize), config.database),
        BlueprintsModule.forRoot({ documents: config.documents, outboxIntervalMs: config.outbox.intervalMs }),
      ],
    };
  }
}

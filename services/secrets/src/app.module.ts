import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { SecretsConfig } from './config.js';
import { secretsDataSource } from './persistence/data-source.js';
import { SecretsModule } from './secrets/secrets.module.js';

@Module({})
export class AppModule {
  static forRoot(config: SecretsConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'secrets', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'secrets', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(secretsDataSource(config.database.url, schema, config.database.poolSize), config.database),
        SecretsModule.forRoot(config.keys),
      ],
    };
  }
}

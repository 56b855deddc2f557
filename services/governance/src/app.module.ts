import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { GovernanceConfig } from './config.js';
import { EscalationsModule } from './escalations/escalations.module.js';
import { governanceDataSource } from './persistence/data-source.js';

@Module({})
export class AppModule {
  static forRoot(config: GovernanceConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'governance', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'governance', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(governanceDataSource(config.database.url, schema, config.database.poolSize), config.database),
        EscalationsModule.forRoot(config.escalations),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { MeteringConfig } from './config.js';
import { MeteringModule } from './metering/metering.module.js';
import { meteringDataSource } from './persistence/data-source.js';

@Module({})
export class AppModule {
  static forRoot(config: MeteringConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'metering', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'metering', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(meteringDataSource(config.database.url, schema, config.database.poolSize), config.database),
        MeteringModule.forRoot(config.metering),
      ],
    };
  }
}

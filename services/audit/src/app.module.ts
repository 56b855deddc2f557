import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import { AuditModule } from './audit/audit.module.js';
import type { AuditConfig } from './config.js';
import { auditDataSource } from './persistence/data-source.js';

@Module({})
export class AppModule {
  static forRoot(config: AuditConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'audit', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'audit', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(auditDataSource(config.database.url, schema, config.database.poolSize), config.database),
        AuditModule.forRoot(config.audit),
      ],
    };
  }
}

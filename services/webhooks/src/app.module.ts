import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { WebhooksConfig } from './config.js';
import { webhooksDataSource } from './persistence/data-source.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: WebhooksConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'webhooks', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'webhooks', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(webhooksDataSource(config.database.url, schema, config.database.poolSize), config.database),
        WebhooksModule.forRoot(config.webhooks),
      ],
    };
  }
}

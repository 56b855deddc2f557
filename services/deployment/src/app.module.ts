import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { DeploymentConfig } from './config.js';
import { DeploymentsModule } from './deployments/deployments.module.js';
import { deploymentDataSource } from './persistence/data-source.js';

@Module({})
export class AppModule {
  static forRoot(config: DeploymentConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'deployment', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'deployment', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(deploymentDataSource(config.database.url, schema, config.database.poolSize), config.database),
        DeploymentsModule.forRoot(config.lifecycle),
      ],
    };
  }
}

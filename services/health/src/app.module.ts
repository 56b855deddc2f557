import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { RedisModule } from '@af/persistence';
import type { HealthConfig } from './config.js';
import { MeshModule } from './mesh/mesh.module.js';
import { OutcomesModule } from './outcomes/outcomes.module.js';
import { OverviewModule } from './overview/overview.module.js';

@Module({})
export class AppModule {
  static forRoot(config: HealthConfig, runtime: { logger: Logger; instanceId: string }, overrides: { redisKeyPrefix?: string } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'health', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'health', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: overrides.redisKeyPrefix ?? config.redis.keyPrefix }),
        MeshModule.forRoot(config.mesh),
        OutcomesModule.forRoot(config.outcomes, config.monitor),
        OverviewModule,
      ],
    };
  }
}

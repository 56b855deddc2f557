import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { RedisModule } from '@af/persistence';
import type { ValidationConfig } from './config.js';
import { ValidationModule } from './validation/validation.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ValidationConfig, runtime: { logger: Logger; instanceId: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'validation', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'validation', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        RedisModule.forRoot(config.redis),
        ValidationModule.forRoot({ cacheTtlSeconds: config.cache.ttlSeconds, modelProviders: config.models.providers }),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import type { WorkerConfig } from './config.js';
import { RunsModule } from './runs/runs.module.js';

@Module({})
export class AppModule {
  static forRoot(config: WorkerConfig, runtime: { logger: Logger; instanceId: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'worker', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'worker', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        RunsModule.forRoot(config),
      ],
    };
  }
}

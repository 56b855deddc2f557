import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import type { WorkerConfig } from './config.js';
import { EvalsModule } from './evals/evals.module.js';
import { RunsModule } from './runs/runs.module.js';
import { WarmModule } from './warm/warm.module.js';
import type { SafeFetch } from './tools/safe-fetch.js';

@Module({})
export class AppModule {
  /** `overrides.fetch`: tests pass a SafeFetch allowed to reach a loopback test server. */
  static forRoot(config: WorkerConfig, runtime: { logger: Logger; instanceId: string }, overrides: { fetch?: SafeFetch } = {}): DynamicModule {
    const runs = RunsModule.forRoot(config, overrides);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'worker', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'worker', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        runs,
        WarmModule.forRoot(runs),
        EvalsModule.forRoot(runs),
      ],
    };
  }
}

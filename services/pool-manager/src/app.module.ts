import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { scalingRulesOf, type PoolManagerConfig } from './config.js';
import { PoolModule } from './pool/pool.module.js';
import { workerEnvironment } from './pool/worker-env.js';

export interface PoolManagerOverrides {
  /** The environment workers start from (default: this process's); NATS credentials are replaced by the workers' own. */
  workerEnv?: NodeJS.ProcessEnv;
  /** Where the worker entry point and log directory are resolved (default: the working directory). */
  cwd?: string;
}

@Module({})
export class AppModule {
  static forRoot(config: PoolManagerConfig, runtime: { logger: Logger; instanceId: string }, overrides: PoolManagerOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'pool-manager', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'pool-manager', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PoolModule.forRoot(
          { rules: scalingRulesOf(config.pool), pollMs: config.pool.pollMs },
          {
            entry: config.workers.entry,
            cwd: overrides.cwd ?? process.cwd(),
            portBase: config.workers.portBase,
            stopTimeoutMs: config.workers.stopTimeoutMs,
            logDir: config.workers.logDir,
            env: workerEnvironment(overrides.workerEnv ?? process.env, config.workers.nats),
          },
        ),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { PersistenceModule } from '@af/persistence';
import type { OrchestratorConfig } from './config.js';
import { orchestratorDataSource } from './persistence/data-source.js';
import { JournalModule } from './journal/journal.module.js';
import { RunsModule } from './runs/runs.module.js';
import { DispatchModule } from './dispatch/dispatch.module.js';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { ReconcilerModule } from './reconciler/reconciler.module.js';
import { EscalationsModule } from './escalations/escalations.module.js';

@Module({})
export class AppModule {
  static forRoot(config: OrchestratorConfig, runtime: { logger: Logger; instanceId: string }, schema?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'orchestrator', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'orchestrator', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        PersistenceModule.forRoot(orchestratorDataSource(config.database.url, schema ?? config.database.schema, config.database.poolSize), config.database),
        DispatchModule.forRoot(config.dispatch),
        RunsModule.forRoot(config.runs),
        DeadLettersModule,
        ReconcilerModule.forRoot(config.reconciler),
        JournalModule,
        EscalationsModule,
      ],
    };
  }
}

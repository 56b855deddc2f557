import { Module, type DynamicModule } from '@nestjs/common';
import { ORCHESTRATOR_OPTIONS, type OrchestratorOptions } from './orchestrator.options.js';
import { IdempotencyKeySweeper } from './idempotency-key.sweeper.js';
import { RunOutboxRelay } from './run-outbox.relay.js';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { RunHandler } from './run.handler.js';
import { RunRepository } from './run.repository.js';
import { RunIntake } from './run-intake.js';
import { RunService } from './run.service.js';

@Module({})
export class RunsModule {
  static forRoot(options: OrchestratorOptions): DynamicModule {
    return {
      module: RunsModule,
      // RunService is the one way to move a run: the escalations module resumes or fails waiting runs through it.
      global: true,
      exports: [RunService],
      controllers: [RunHandler],
      providers: [{ provide: ORCHESTRATOR_OPTIONS, useValue: options }, RunService, RunIntake, RunRepository, ActiveDeploymentRepository, RunOutboxRelay, IdempotencyKeySweeper],
    };
  }
}

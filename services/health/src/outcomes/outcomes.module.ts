import { Module, type DynamicModule } from '@nestjs/common';
import { HealthMonitorService, MONITOR_OPTIONS, type MonitorOptions } from './health-monitor.service.js';
import { OutcomesHandler } from './outcomes.handler.js';
import { RunOutcomeRepository, type WindowOptions } from './run-outcome.repository.js';
import { OUTCOME_OPTIONS, RunOutcomeService } from './run-outcome.service.js';

/** Per tenant/agent/version windows of finished runs, their statistics and the monitor that judges them. */
@Module({})
export class OutcomesModule {
  static forRoot(window: WindowOptions, monitor: MonitorOptions): DynamicModule {
    return {
      module: OutcomesModule,
      global: true,
      controllers: [OutcomesHandler],
      providers: [{ provide: OUTCOME_OPTIONS, useValue: window }, { provide: MONITOR_OPTIONS, useValue: monitor }, RunOutcomeRepository, RunOutcomeService, HealthMonitorService],
      exports: [RunOutcomeService, HealthMonitorService],
    };
  }
}

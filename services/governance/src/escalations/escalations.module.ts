import { Module, type DynamicModule } from '@nestjs/common';
import { EscalationClock } from './escalation-clock.js';
import { EscalationHandler } from './escalation.handler.js';
import { EscalationRepository } from './escalation.repository.js';
import { EscalationService } from './escalation.service.js';
import { RunCancelledHandler } from './run-cancelled.handler.js';
import { ESCALATIONS_OPTIONS, type EscalationsOptions } from './escalations.options.js';

@Module({})
export class EscalationsModule {
  static forRoot(options: EscalationsOptions): DynamicModule {
    return {
      module: EscalationsModule,
      controllers: [EscalationHandler, RunCancelledHandler],
      providers: [{ provide: ESCALATIONS_OPTIONS, useValue: options }, EscalationService, EscalationRepository, EscalationClock],
    };
  }
}

import { Module } from '@nestjs/common';
import { EscalationHandler } from './escalation.handler.js';
import { EscalationService } from './escalation.service.js';

/** Decided escalations resume or fail the runs waiting for them (RunService comes from the global RunsModule). */
@Module({
  controllers: [EscalationHandler],
  providers: [EscalationService],
})
export class EscalationsModule {}

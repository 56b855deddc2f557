import { Module } from '@nestjs/common';
import { JournalHandler } from './journal.handler.js';
import { JournalRepository } from './journal.repository.js';
import { JournalService } from './journal.service.js';

/** The step journal of runs: af.v1.runs.steps.begin / .complete over the `run_steps` table. */
@Module({
  controllers: [JournalHandler],
  providers: [JournalService, JournalRepository],
})
export class JournalModule {}

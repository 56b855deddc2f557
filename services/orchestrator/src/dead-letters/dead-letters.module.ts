import { Module } from '@nestjs/common';
import { DeadLetterHandler } from './dead-letter.handler.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { DeadLetterService } from './dead-letter.service.js';
import { MaxDeliveriesListener } from './max-deliveries.listener.js';
import { StreamMessageRepository } from './run-stream.repository.js';

@Module({
  controllers: [DeadLetterHandler],
  providers: [DeadLetterRepository, DeadLetterService, StreamMessageRepository, MaxDeliveriesListener],
  exports: [DeadLetterRepository, StreamMessageRepository],
})
export class DeadLettersModule {}

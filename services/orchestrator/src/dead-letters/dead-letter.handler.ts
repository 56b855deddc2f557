import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { DeadLetterRecorded, ListDeadLettersRequest, RetryDeadLetterRequest } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { DeadLetterService } from './dead-letter.service.js';

/** NATS edge of dead letters: each handler is one call into DeadLetterService. */
@Controller()
export class DeadLetterHandler {
  constructor(private readonly deadLetters: DeadLetterService) {}

  @OnEvent('af.v1.deadletters.record')
  record(@Payload() event: DeadLetterRecorded, @Ctx() ctx: MessageContext) {
    return this.deadLetters.record(ctx.tenantId, event);
  }

  @OnRequest('af.v1.deadletters.list')
  list(@Payload() request: ListDeadLettersRequest, @Ctx() ctx: MessageContext) {
    return this.deadLetters.list(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deadletters.retry')
  retry(@Payload() request: RetryDeadLetterRequest, @Ctx() ctx: MessageContext) {
    return this.deadLetters.retry(ctx.tenantId, request);
  }
}

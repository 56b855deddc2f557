import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { BeginStepRequest, CompleteStepRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { JournalService } from './journal.service.js';

/** NATS edge of the step journal: each handler is one call into JournalService. */
@Controller()
export class JournalHandler {
  constructor(private readonly journal: JournalService) {}

  @OnRequest('af.v1.runs.steps.begin')
  begin(@Payload() request: BeginStepRequest, @Ctx() ctx: MessageContext) {
    return this.journal.begin(ctx.tenantId, request);
  }

  @OnRequest('af.v1.runs.steps.complete')
  complete(@Payload() request: CompleteStepRequest, @Ctx() ctx: MessageContext) {
    return this.journal.complete(ctx.tenantId, request);
  }
}

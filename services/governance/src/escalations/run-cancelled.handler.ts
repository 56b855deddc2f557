import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, OnEvent, type EventOf } from '@af/messaging';
import { EscalationService } from './escalation.service.js';

/** The `governance-run-cancelled` consumer on AF_EVENTS: a cancelled run's pending escalations are closed. */
@Controller()
export class RunCancelledHandler {
  constructor(private readonly escalations: EscalationService) {}

  @OnEvent('af.v1.runs.event.cancelled')
  async cancelled(@Payload() event: EventOf<'af.v1.runs.event.cancelled'>, @Ctx() ctx: MessageContext): Promise<void> {
    await this.escalations.onRunCancelled(ctx.tenantId, event);
  }
}

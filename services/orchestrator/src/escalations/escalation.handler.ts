import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EscalationChanged } from '@af/contracts';
import { MessageContext, OnEvent } from '@af/messaging';
import { EscalationService } from './escalation.service.js';

/** NATS edge of decided escalations: the `orchestrator-escalations` consumer on AF_EVENTS. */
@Controller()
export class EscalationHandler {
  constructor(private readonly escalations: EscalationService) {}

  @OnEvent('af.v1.escalations.event.decided')
  decided(@Payload() event: EscalationChanged, @Ctx() ctx: MessageContext) {
    return this.escalations.onDecided(ctx.tenantId, event);
  }
}

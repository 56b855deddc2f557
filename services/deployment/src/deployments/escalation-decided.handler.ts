import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, OnEvent, type EventOf } from '@af/messaging';
import { ApprovedDeploymentService } from './approved-deployment.service.js';

/** Consumer deployment-escalations: each decided escalation is one call into ApprovedDeploymentService. */
@Controller()
export class EscalationDecidedHandler {
  constructor(private readonly approved: ApprovedDeploymentService) {}

  @OnEvent('af.v1.escalations.event.decided')
  decided(@Payload() event: EventOf<'af.v1.escalations.event.decided'>, @Ctx() ctx: MessageContext) {
    return this.approved.onEscalationDecided(ctx.tenantId, event);
  }
}

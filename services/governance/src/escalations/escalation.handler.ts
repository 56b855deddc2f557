import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { DecideEscalationRequest, GetEscalationRequest, ListEscalationsRequest, OpenEscalationRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { EscalationService } from './escalation.service.js';

/** NATS edge of the governance service: each handler is one call into EscalationService. */
@Controller()
export class EscalationHandler {
  constructor(private readonly escalations: EscalationService) {}

  @OnRequest('af.v1.escalations.open')
  open(@Payload() request: OpenEscalationRequest, @Ctx() ctx: MessageContext) {
    return this.escalations.open(ctx.tenantId, request);
  }

  @OnRequest('af.v1.escalations.get')
  get(@Payload() request: GetEscalationRequest, @Ctx() ctx: MessageContext) {
    return this.escalations.get(ctx.tenantId, request);
  }

  @OnRequest('af.v1.escalations.list')
  list(@Payload() request: ListEscalationsRequest, @Ctx() ctx: MessageContext) {
    return this.escalations.list(ctx.tenantId, request);
  }

  @OnRequest('af.v1.escalations.decide')
  decide(@Payload() request: DecideEscalationRequest, @Ctx() ctx: MessageContext) {
    return this.escalations.decide(ctx.tenantId, request);
  }
}

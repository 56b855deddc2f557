import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, OnEvent, type EventOf } from '@af/messaging';
import { deploymentEvent, runEvent } from './events.js';
import { WebhookService } from './webhook.service.js';

/** The `webhooks-events` consumer on AF_EVENTS: each event becomes pending deliveries (fast), then is acknowledged. */
@Controller()
export class EventsHandler {
  constructor(private readonly webhooks: WebhookService) {}

  @OnEvent('af.v1.deployments.event.changed')
  deployment(@Payload() event: EventOf<'af.v1.deployments.event.changed'>, @Ctx() ctx: MessageContext) {
    return this.webhooks.intake(ctx.tenantId, deploymentEvent(ctx.tenantId, event));
  }

  @OnEvent('af.v1.runs.event.succeeded')
  succeeded(@Payload() event: EventOf<'af.v1.runs.event.succeeded'>, @Ctx() ctx: MessageContext) {
    return this.webhooks.intake(ctx.tenantId, runEvent(ctx.tenantId, 'succeeded', event));
  }

  @OnEvent('af.v1.runs.event.failed')
  failed(@Payload() event: EventOf<'af.v1.runs.event.failed'>, @Ctx() ctx: MessageContext) {
    return this.webhooks.intake(ctx.tenantId, runEvent(ctx.tenantId, 'failed', event));
  }

  @OnEvent('af.v1.runs.event.cancelled')
  cancelled(@Payload() event: EventOf<'af.v1.runs.event.cancelled'>, @Ctx() ctx: MessageContext) {
    return this.webhooks.intake(ctx.tenantId, runEvent(ctx.tenantId, 'cancelled', event));
  }
}

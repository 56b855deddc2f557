import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CreateWebhookRequest, GetWebhookRequest, ListDeliveriesRequest, ListWebhooksRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { WebhookService } from './webhook.service.js';

/** NATS edge of the webhooks service: each handler is one call into WebhookService. */
@Controller()
export class WebhookHandler {
  constructor(private readonly webhooks: WebhookService) {}

  @OnRequest('af.v1.webhooks.create')
  create(@Payload() request: CreateWebhookRequest, @Ctx() ctx: MessageContext) {
    return this.webhooks.create(ctx.tenantId, request);
  }

  @OnRequest('af.v1.webhooks.get')
  get(@Payload() request: GetWebhookRequest, @Ctx() ctx: MessageContext) {
    return this.webhooks.get(ctx.tenantId, request);
  }

  @OnRequest('af.v1.webhooks.list')
  list(@Payload() _request: ListWebhooksRequest, @Ctx() ctx: MessageContext) {
    return this.webhooks.list(ctx.tenantId);
  }

  @OnRequest('af.v1.webhooks.delete')
  delete(@Payload() request: GetWebhookRequest, @Ctx() ctx: MessageContext) {
    return this.webhooks.delete(ctx.tenantId, request);
  }

  @OnRequest('af.v1.webhooks.deliveries.list')
  deliveries(@Payload() request: ListDeliveriesRequest, @Ctx() ctx: MessageContext) {
    return this.webhooks.deliveries(ctx.tenantId, request);
  }
}

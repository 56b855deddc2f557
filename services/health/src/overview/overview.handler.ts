import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { HealthOverviewRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { OverviewService } from './overview.service.js';

/** NATS edge of the tenant's health overview. */
@Controller()
export class OverviewHandler {
  constructor(private readonly overview: OverviewService) {}

  @OnRequest('af.v1.health.overview')
  get(@Payload() _request: HealthOverviewRequest, @Ctx() ctx: MessageContext) {
    return this.overview.overview(ctx.tenantId);
  }
}

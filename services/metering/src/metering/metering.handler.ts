import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { DeleteBudgetRequest, ListBudgetsRequest, PutBudgetRequest, QueryUsageRequest, ReserveBudgetRequest, SettleBudgetRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { MeteringService } from './metering.service.js';

/** NATS edge of the metering service: each handler is one call into MeteringService. */
@Controller()
export class MeteringHandler {
  constructor(private readonly metering: MeteringService) {}

  @OnRequest('af.v1.budgets.reserve')
  reserve(@Payload() request: ReserveBudgetRequest, @Ctx() ctx: MessageContext) {
    return this.metering.reserve(ctx.tenantId, request);
  }

  @OnRequest('af.v1.budgets.settle')
  settle(@Payload() request: SettleBudgetRequest, @Ctx() ctx: MessageContext) {
    return this.metering.settle(ctx.tenantId, request);
  }

  @OnRequest('af.v1.budgets.put')
  put(@Payload() request: PutBudgetRequest, @Ctx() ctx: MessageContext) {
    return this.metering.put(ctx.tenantId, request);
  }

  @OnRequest('af.v1.budgets.delete')
  delete(@Payload() request: DeleteBudgetRequest, @Ctx() ctx: MessageContext) {
    return this.metering.delete(ctx.tenantId, request);
  }

  @OnRequest('af.v1.budgets.list')
  list(@Payload() request: ListBudgetsRequest, @Ctx() ctx: MessageContext) {
    return this.metering.list(ctx.tenantId, request);
  }

  @OnRequest('af.v1.usage.query')
  usage(@Payload() request: QueryUsageRequest, @Ctx() ctx: MessageContext) {
    return this.metering.usage(ctx.tenantId, request);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { CreateBlueprintRequest, GetBlueprintRequest, UpdateBlueprintRequest } from '@af/contracts';
import { MessageContext } from '@af/messaging';
import { BlueprintService } from './blueprint.service.js';

/** NATS edge of the blueprints service: each handler is one call into BlueprintService. */
@Controller()
export class BlueprintHandler {
  constructor(private readonly blueprints: BlueprintService) {}

  @MessagePattern<string>('af.v1.blueprints.create')
  create(@Payload() request: CreateBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.create(ctx.tenantId, request);
  }

  @MessagePattern<string>('af.v1.blueprints.update')
  update(@Payload() request: UpdateBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.update(ctx.tenantId, request);
  }

  @MessagePattern<string>('af.v1.blueprints.get')
  get(@Payload() request: GetBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.get(ctx.tenantId, request);
  }
}

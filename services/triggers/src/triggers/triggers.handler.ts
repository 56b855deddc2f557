import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { DeploymentActivated, DeploymentChanged, InboundHookRequest, ListTriggersRequest } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { TriggersService } from './triggers.service.js';

/** NATS edge of the triggers service: each handler is one call into TriggersService. */
@Controller()
export class TriggersHandler {
  constructor(private readonly triggers: TriggersService) {}

  @OnRequest('af.v1.triggers.list')
  list(@Payload() request: ListTriggersRequest, @Ctx() ctx: MessageContext) {
    return this.triggers.list(ctx.tenantId, request);
  }

  /** The tenant is the one of the path (the gateway forwards the call unauthenticated): it is in the request. */
  @OnRequest('af.v1.triggers.hook')
  hook(@Payload() request: InboundHookRequest) {
    return this.triggers.hook(request);
  }

  @OnEvent('af.v1.deployments.event.activated')
  async activated(@Payload() event: DeploymentActivated, @Ctx() ctx: MessageContext): Promise<void> {
    await this.triggers.syncAgent(ctx.tenantId, event.deployment?.agent ?? '');
  }

  @OnEvent('af.v1.deployments.event.changed')
  async changed(@Payload() event: DeploymentChanged, @Ctx() ctx: MessageContext): Promise<void> {
    await this.triggers.syncAgent(ctx.tenantId, event.deployment?.agent ?? '');
  }
}

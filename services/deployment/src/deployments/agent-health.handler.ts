import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, OnEvent, type EventOf } from '@af/messaging';
import { DeploymentControlService } from './deployment-control.service.js';

/** Consumer deployment-agent-health: each unhealthy verdict is one call into DeploymentControlService. */
@Controller()
export class AgentHealthHandler {
  constructor(private readonly control: DeploymentControlService) {}

  @OnEvent('af.v1.health.event.unhealthy')
  unhealthy(@Payload() event: EventOf<'af.v1.health.event.unhealthy'>, @Ctx() ctx: MessageContext) {
    return this.control.onUnhealthy(ctx.tenantId, event);
  }
}

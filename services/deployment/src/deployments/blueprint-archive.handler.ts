import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, OnEvent, type EventOf } from '@af/messaging';
import { AgentArchiveService } from './agent-archive.service.js';

/** Consumer deployment-blueprint-archived: each event is one call into AgentArchiveService. */
@Controller()
export class BlueprintArchiveHandler {
  constructor(private readonly archive: AgentArchiveService) {}

  @OnEvent('af.v1.blueprints.event.archived')
  archived(@Payload() event: EventOf<'af.v1.blueprints.event.archived'>, @Ctx() ctx: MessageContext) {
    return this.archive.onBlueprintArchived(ctx.tenantId, event);
  }
}

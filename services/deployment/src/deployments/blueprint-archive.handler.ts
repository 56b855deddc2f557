import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { BlueprintArchiveChanged } from '@af/contracts';
import { MessageContext } from '@af/messaging';
import { AgentArchiveService } from './agent-archive.service.js';

/** Consumer deployment-blueprint-archived: each event is one call into AgentArchiveService. */
@Controller()
export class BlueprintArchiveHandler {
  constructor(private readonly archive: AgentArchiveService) {}

  @EventPattern<string>('af.v1.blueprints.event.archived')
  archived(@Payload() event: BlueprintArchiveChanged, @Ctx() ctx: MessageContext) {
    return this.archive.onBlueprintArchived(ctx.tenantId, event);
  }
}

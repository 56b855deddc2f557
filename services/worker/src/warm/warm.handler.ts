import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { WarmArtifactRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { ArtifactWarmer } from './artifact-warmer.js';

/** af.v1.workers.artifacts.warm (queue group: one worker answers each request). */
@Controller()
export class WarmHandler {
  constructor(private readonly warmer: ArtifactWarmer) {}

  @OnRequest('af.v1.workers.artifacts.warm')
  warm(@Payload() request: WarmArtifactRequest, @Ctx() ctx: MessageContext) {
    return this.warmer.request(ctx.tenantId, request);
  }
}

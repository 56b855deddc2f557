import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { ListEpisodesRequest, RunCancelled, RunFailed, RunStarted, RunSucceeded } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { EpisodeService } from './episode.service.js';
import { MemoryTiersService } from './memory-tiers.service.js';

/**
 * NATS edge of memory: run events from the three tier consumers (memory-episodes, memory-graph,
 * memory-working: the delivering consumer picks the tier), and episode queries.
 */
@Controller()
export class EpisodeHandler {
  constructor(
    private readonly episodes: EpisodeService,
    private readonly tiers: MemoryTiersService,
  ) {}

  @OnEvent('af.v1.runs.event.started')
  started(@Payload() event: RunStarted, @Ctx() ctx: MessageContext) {
    return this.tiers.apply(ctx.consumer, ctx.tenantId, { kind: 'started', event });
  }

  @OnEvent('af.v1.runs.event.succeeded')
  succeeded(@Payload() event: RunSucceeded, @Ctx() ctx: MessageContext) {
    return this.tiers.apply(ctx.consumer, ctx.tenantId, { kind: 'succeeded', event });
  }

  @OnEvent('af.v1.runs.event.failed')
  failed(@Payload() event: RunFailed, @Ctx() ctx: MessageContext) {
    return this.tiers.apply(ctx.consumer, ctx.tenantId, { kind: 'failed', event });
  }

  @OnEvent('af.v1.runs.event.cancelled')
  cancelled(@Payload() event: RunCancelled, @Ctx() ctx: MessageContext) {
    return this.tiers.apply(ctx.consumer, ctx.tenantId, { kind: 'cancelled', event });
  }

  @OnRequest('af.v1.memory.episodes.list')
  list(@Payload() request: ListEpisodesRequest, @Ctx() ctx: MessageContext) {
    return this.episodes.list(ctx.tenantId, request);
  }
}

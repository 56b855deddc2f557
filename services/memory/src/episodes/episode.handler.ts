import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { ListEpisodesRequest, RunFailed, RunStarted, RunSucceeded } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { EpisodeService } from './episode.service.js';

/** NATS edge of memory: the run events of durable consumer memory-run-events, and episode queries. */
@Controller()
export class EpisodeHandler {
  constructor(private readonly episodes: EpisodeService) {}

  @OnEvent('af.v1.runs.event.started')
  started(@Payload() event: RunStarted, @Ctx() ctx: MessageContext) {
    return this.episodes.onStarted(ctx.tenantId, event);
  }

  @OnEvent('af.v1.runs.event.succeeded')
  succeeded(@Payload() event: RunSucceeded, @Ctx() ctx: MessageContext) {
    return this.episodes.onSucceeded(ctx.tenantId, event);
  }

  @OnEvent('af.v1.runs.event.failed')
  failed(@Payload() event: RunFailed, @Ctx() ctx: MessageContext) {
    return this.episodes.onFailed(ctx.tenantId, event);
  }

  @OnRequest('af.v1.memory.episodes.list')
  list(@Payload() request: ListEpisodesRequest, @Ctx() ctx: MessageContext) {
    return this.episodes.list(ctx.tenantId, request);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { AgentStatsRequest, RunCancelled, RunFailed, RunStarted, RunSucceeded } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { RunOutcomeService } from './run-outcome.service.js';

/** NATS edge of the run outcome window: run events in (consumer health-run-outcomes), statistics out. */
@Controller()
export class OutcomesHandler {
  constructor(private readonly outcomes: RunOutcomeService) {}

  @OnEvent('af.v1.runs.event.started')
  started(@Payload() event: RunStarted, @Ctx() ctx: MessageContext) {
    return this.outcomes.started(ctx.tenantId, event);
  }

  @OnEvent('af.v1.runs.event.succeeded')
  succeeded(@Payload() event: RunSucceeded, @Ctx() ctx: MessageContext) {
    return this.outcomes.finished(ctx.tenantId, 'succeeded', event);
  }

  @OnEvent('af.v1.runs.event.failed')
  failed(@Payload() event: RunFailed, @Ctx() ctx: MessageContext) {
    return this.outcomes.finished(ctx.tenantId, 'failed', event);
  }

  @OnEvent('af.v1.runs.event.cancelled')
  cancelled(@Payload() event: RunCancelled, @Ctx() ctx: MessageContext) {
    return this.outcomes.finished(ctx.tenantId, 'cancelled', event);
  }

  @OnRequest('af.v1.health.agents.stats')
  stats(@Payload() request: AgentStatsRequest, @Ctx() ctx: MessageContext) {
    return this.outcomes.stats(ctx.tenantId, request);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CancelRunRequest, GetRunRequest, InFlightByVersionRequest, ListRunsRequest, ListRunTransitionsRequest, ParkRunRequest, RunCancelled, RunFailed, RunStarted, RunSucceeded, SubmitRunRequest } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { RunService } from './run.service.js';

/** NATS edge of the orchestrator: each handler is one call into RunService. */
@Controller()
export class RunHandler {
  constructor(private readonly runs: RunService) {}

  @OnRequest('af.v1.runs.submit')
  submit(@Payload() request: SubmitRunRequest, @Ctx() ctx: MessageContext) {
    return this.runs.submit(ctx.tenantId, request);
  }

  @OnRequest('af.v1.runs.get')
  async get(@Payload() request: GetRunRequest, @Ctx() ctx: MessageContext) {
    return { run: await this.runs.get(ctx.tenantId, request.runId) };
  }

  @OnRequest('af.v1.runs.versions.inflight')
  inFlight(@Payload() request: InFlightByVersionRequest, @Ctx() ctx: MessageContext) {
    return this.runs.inFlightByVersion(ctx.tenantId, request);
  }

  @OnRequest('af.v1.runs.transitions.list')
  transitions(@Payload() request: ListRunTransitionsRequest, @Ctx() ctx: MessageContext) {
    return this.runs.listTransitions(ctx.tenantId, request);
  }

  @OnRequest('af.v1.runs.list')
  list(@Payload() request: ListRunsRequest, @Ctx() ctx: MessageContext) {
    return this.runs.list(ctx.tenantId, request);
  }

  @OnRequest('af.v1.runs.cancel')
  async cancel(@Payload() request: CancelRunRequest, @Ctx() ctx: MessageContext) {
    return { run: await this.runs.cancel(ctx.tenantId, request) };
  }

  @OnRequest('af.v1.runs.park')
  async park(@Payload() request: ParkRunRequest, @Ctx() ctx: MessageContext) {
    return { run: await this.runs.park(ctx.tenantId, request) };
  }

  @OnEvent('af.v1.runs.event.started')
  started(@Payload() event: RunStarted, @Ctx() ctx: MessageContext) {
    return this.runs.onStarted(ctx.tenantId, event);
  }

  @OnEvent('af.v1.runs.event.succeeded')
  succeeded(@Payload() event: RunSucceeded, @Ctx() ctx: MessageContext) {
    return this.runs.onSucceeded(ctx.tenantId, event);
  }

  @OnEvent('af.v1.runs.event.failed')
  failed(@Payload() event: RunFailed, @Ctx() ctx: MessageContext) {
    return this.runs.onFailed(ctx.tenantId, event);
  }

  @OnEvent('af.v1.runs.event.cancelled')
  cancelled(@Payload() event: RunCancelled, @Ctx() ctx: MessageContext) {
    return this.runs.onCancelled(ctx.tenantId, event);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { GetRunRequest, RunFailed, RunStarted, RunSucceeded, SubmitRunRequest } from '@af/contracts';
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
}

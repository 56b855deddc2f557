import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { WorkerRunEvalsRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { EvalRunner } from './eval-runner.js';

/** af.v1.workers.evals.run (queue group: one worker runs a request's evals). */
@Controller()
export class EvalsHandler {
  constructor(private readonly evals: EvalRunner) {}

  @OnRequest('af.v1.workers.evals.run')
  run(@Payload() request: WorkerRunEvalsRequest, @Ctx() ctx: MessageContext) {
    return this.evals.run(ctx.tenantId, request);
  }
}

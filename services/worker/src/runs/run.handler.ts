import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { ExecuteRun } from '@af/contracts';
import { MessageContext, OnEvent } from '@af/messaging';
import { RunService } from './run.service.js';

/** NATS edge of the worker: the `worker-runs` consumer on AF_RUNS. */
@Controller()
export class RunHandler {
  constructor(private readonly runs: RunService) {}

  @OnEvent('af.v1.runs.execute')
  execute(@Payload() run: ExecuteRun, @Ctx() ctx: MessageContext) {
    return this.runs.execute(ctx.tenantId, run, ctx.deliveryCount, ctx.signal);
  }
}

import { Controller, Get, Injectable, Param } from '@nestjs/common';
import { MessageBus } from '@af/messaging';
import { runView } from '../http/views.js';

@Injectable()
export class RunsApi {
  constructor(private readonly bus: MessageBus) {}

  async get(runId: string) {
    const reply = await this.bus.request('af.v1.runs.get', { runId });
    return runView(reply.run);
  }
}

@Controller('v1/runs')
export class RunsController {
  constructor(private readonly runs: RunsApi) {}

  @Get(':runId')
  get(@Param('runId') runId: string) {
    return this.runs.get(runId);
  }
}

import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res, HttpCode } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RunEventStream, type StreamReply, type StreamRequest } from './run-event.stream.js';
import { RunsApi, type RunListQuery } from './runs.api.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';

export { RunsApi };

interface Reply extends StreamReply {
  send(body: unknown): void;
}

@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsApi,
    private readonly events: RunEventStream,
  ) {}

  /** ?agent= &status= &since= &limit= &cursor=: the tenant's runs, newest first. */
  @Get()
  @RequirePermission('ViewRuns')
  list(@Query() query: RunListQuery) {
    return this.runs.list(query);
  }

  @Get(':runId')
  @RequirePermission('ViewRuns')
  get(@Param('runId') runId: string) {
    return this.runs.get(runId);
  }

  /** The run's transitions, oldest first; with `Accept: text/event-stream` a stream that ends when the run is final. */
  @Get(':runId/events')
  @RequirePermission('ViewRuns')
  async history(@CurrentPrincipal() principal: Principal, @Param('runId') runId: string, @Headers('accept') accept: string | undefined, @Req() request: StreamRequest, @Res() reply: Reply) {
    if (accept?.includes('text/event-stream')) return this.events.stream(principal, runId, request, reply);
    reply.send(await this.runs.events(runId));
  }

  @Post(':runId/cancel')
  @HttpCode(200)
  @RequirePermission('OperateRuns')
  cancel(@CurrentPrincipal() principal: Principal, @Param('runId') runId: string, @Body(new AllowedFields('reason')) body: unknown) {
    return this.runs.cancel(principal, runId, body);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { DeadLettersApi, type DeadLetterListQuery } from './dead-letters.api.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';

export { DeadLettersApi };

@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersApi) {}

  /** ?status=open|retried|discarded &limit= &cursor=: the tenant's dead letters, newest first. */
  @Get()
  @RequirePermission('ViewRuns')
  list(@Query() query: DeadLetterListQuery) {
    return this.deadLetters.list(query);
  }

  /** {input?}: re-queue the dead-lettered run (409 unless the dead letter is open). */
  @Post(':id/retry')
  @HttpCode(202)
  @RequirePermission('OperateRuns')
  retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new AllowedFields('input')) body: unknown) {
    return this.deadLetters.retry(principal, id, body);
  }
}

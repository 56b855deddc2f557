import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { EscalationsApi, type EscalationListQuery } from './escalations.api.js';

export { EscalationsApi };

/**
 * Escalations (human approvals). The route checks ApproveActions; the governance service checks the
 * rest per escalation: ApproveRealWorld for realWorld risk, the level's roles, no self-approval.
 */
@Controller('v1/escalations')
export class EscalationsController {
  constructor(private readonly escalations: EscalationsApi) {}

  /** ?status=pending|approved|rejected &kind=tool_call|low_confidence|deployment &runId= &limit=1..200 &cursor=: newest first. */
  @Get()
  @RequirePermission('ViewEscalations')
  list(@Query() query: EscalationListQuery) {
    return this.escalations.list(query);
  }

  /** One escalation; another tenant's → 404. */
  @Get(':id')
  @RequirePermission('ViewEscalations')
  get(@Param('id') id: string) {
    return this.escalations.get(id);
  }

  /** {reason?}: approve (counts toward the quorum). */
  @Post(':id/approve')
  @HttpCode(200)
  @RequirePermission('ApproveActions')
  approve(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new AllowedFields('reason')) body: unknown) {
    return this.escalations.decide(principal, id, 'approve', body);
  }

  /** {reason}: reject (one rejection rejects; the reason is required). */
  @Post(':id/reject')
  @HttpCode(200)
  @RequirePermission('ApproveActions')
  reject(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new AllowedFields('reason')) body: unknown) {
    return this.escalations.decide(principal, id, 'reject', body);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { AuditEvent, ListAuditRequest } from '@af/contracts';
import { MessageContext, OnEvent, OnRequest } from '@af/messaging';
import { AuditService } from './audit.service.js';

/** NATS edge of the audit service: each handler is one call into AuditService. */
@Controller()
export class AuditHandler {
  constructor(private readonly audit: AuditService) {}

  /** Consumer `audit-records` (AF_AUDIT): the tenant comes from the message's header. */
  @OnEvent('af.v1.audit.record')
  record(@Payload() event: AuditEvent, @Ctx() ctx: MessageContext) {
    return this.audit.record(ctx.tenantId, event, ctx.correlationId);
  }

  @OnRequest('af.v1.audit.list')
  list(@Payload() request: ListAuditRequest, @Ctx() ctx: MessageContext) {
    return this.audit.list(ctx.tenantId, request);
  }

  @OnRequest('af.v1.audit.verify')
  verify(@Payload() _request: unknown, @Ctx() ctx: MessageContext) {
    return this.audit.verify(ctx.tenantId);
  }
}

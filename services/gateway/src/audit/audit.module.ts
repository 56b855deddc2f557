import { Module } from '@nestjs/common';
import { AuditApi, AuditController } from './audit.controller.js';

/** GET /v1/audit and /v1/audit/verify: the audit service's log, read through NATS. */
@Module({
  controllers: [AuditController],
  providers: [AuditApi],
})
export class AuditLogModule {}

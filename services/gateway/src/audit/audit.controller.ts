import { Controller, Get, Query } from '@nestjs/common';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AuditApi, type AuditListQuery } from './audit.api.js';

export { AuditApi };

@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditApi) {}

  /** ?action= &actor= &resourceType= &resourceId= &since= &until= &limit= (1–200) &cursor=: the tenant's audit records, newest first. */
  @Get()
  @RequirePermission('ViewAudit')
  list(@Query() query: AuditListQuery) {
    return this.audit.list(query);
  }

  /** Verifies the tenant's hash chain and names every altered, inserted or deleted record. */
  @Get('verify')
  @RequirePermission('ViewAudit')
  verify() {
    return this.audit.verify();
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { AuditHandler } from './audit.handler.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options.js';

@Module({})
export class AuditModule {
  static forRoot(options: AuditOptions): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditHandler],
      providers: [{ provide: AUDIT_OPTIONS, useValue: options }, AuditService, AuditRepository],
    };
  }
}

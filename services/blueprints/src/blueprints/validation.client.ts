import { Injectable } from '@nestjs/common';
import type { Caller, TenantId, ValidationReport } from '@af/contracts';
import { MessageBus } from '@af/messaging';
import { canonicalJson } from '@af/blueprint-format';
import type { StoredReport } from '../persistence/blueprint-version.entity.js';

/** Asks the validation service (af.v1.validation.validate) on behalf of the caller. */
@Injectable()
export class ValidationClient {
  constructor(private readonly bus: MessageBus) {}

  async validate(tenantId: TenantId, document: unknown, caller: Caller | undefined): Promise<StoredReport> {
    return (await this.check(tenantId, document, caller)).report;
  }

  /** The report and whether the validation service answered it from its cache. */
  async check(tenantId: TenantId, document: unknown, caller: Caller | undefined): Promise<{ report: StoredReport; cached: boolean }> {
    const reply = await this.bus.request(
      'af.v1.validation.validate',
      { documentJson: canonicalJson(document), ...(caller ? { caller: { subject: caller.subject, roles: caller.roles, permissions: caller.permissions } } : {}) },
      { tenantId },
    );
    return { report: toPlainReport(reply.report), cached: reply.cached };
  }
}

/** The report as plain JSON (no protobuf metadata, every field present) for storage and error details. */
export function toPlainReport(report: ValidationReport | undefined): StoredReport {
  const finding = (f: ValidationReport['errors'][number]) => ({ tier: f.tier, code: f.code, path: f.path, message: f.message, severity: f.severity });
  return {
    valid: report?.valid ?? false,
    errors: (report?.errors ?? []).map(finding),
    warnings: (report?.warnings ?? []).map(finding),
    suggestions: (report?.suggestions ?? []).map((s) => ({ path: s.path, message: s.message, replacementJson: s.replacementJson })),
    omitted: report?.omitted ?? 0,
  };
}

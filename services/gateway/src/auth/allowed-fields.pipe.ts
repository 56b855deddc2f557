import type { PipeTransform } from '@nestjs/common';
import { AppError } from '@af/errors';

/**
 * Mass assignment guard for bodies whose shape is ours: a top-level field outside the list —
 * `tenantId`, `status`, `version` where it is not an input, `createdBy`, `id`, or a typo — is
 * refused with 400 INVALID_ARGUMENT at its path, never silently ignored (README "Roles and
 * permissions"). The tenant and the caller always come from the credential, never the body.
 * Use: `@Body(new AllowedFields('input', 'priority')) body: unknown`.
 */
export class AllowedFields implements PipeTransform<unknown, unknown> {
  private readonly allowed: ReadonlySet<string>;

  constructor(...fields: string[]) {
    this.allowed = new Set(fields);
  }

  transform(body: unknown): unknown {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    for (const field of Object.keys(body)) {
      if (!this.allowed.has(field)) {
        const expected = [...this.allowed].join(', ') || 'none';
        throw AppError.invalid(`unknown field "${field}": this body accepts ${expected} only`, `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
    return body;
  }
}

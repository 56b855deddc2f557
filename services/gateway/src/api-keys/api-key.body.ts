import { ROLES, isRole, type Role } from '@af/contracts';
import { AppError } from '@af/errors';

export interface CreateApiKeyRequest {
  name: string;
  roles: Role[];
  expiresAt: Date | null;
}

const FIELDS = new Set(['name', 'roles', 'expiresAt']);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `{name, roles, expiresAt?}`, nothing else: a field the client may not set (`id`, `tenantId`,
 * `createdBy`, `revokedAt`, …) or any unknown field is refused (400 at its path), never ignored.
 */
export function parseCreateApiKey(body: unknown, now: Date): CreateApiKeyRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw AppError.invalid('the body must be a JSON object {name, roles, expiresAt?}', '');
  const record = body as Record<string, unknown>;
  for (const field of Object.keys(record)) {
    if (!FIELDS.has(field)) throw AppError.invalid(`unknown field "${field}": an API key is created from name, roles and expiresAt only`, `/${field}`);
  }
  const { name, roles, expiresAt } = record;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 100) throw AppError.invalid('name must be a string of 1 to 100 characters', '/name');
  if (!Array.isArray(roles) || roles.length === 0) throw AppError.invalid(`roles must be a non-empty array of roles (${ROLES.join(', ')})`, '/roles');
  if (roles.length > ROLES.length * 4) throw AppError.invalid(`roles has too many entries (at most ${ROLES.length * 4})`, '/roles');
  roles.forEach((role, i) => {
    if (!isRole(role)) throw AppError.invalid(`unknown role ${JSON.stringify(role)}; one of ${ROLES.join(', ')}`, `/roles/${i}`);
  });
  let expires: Date | null = null;
  if (expiresAt !== undefined && expiresAt !== null) {
    if (typeof expiresAt !== 'string' || !ISO_DATE_TIME.test(expiresAt) || Number.isNaN(Date.parse(expiresAt))) {
      throw AppError.invalid('expiresAt must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z', '/expiresAt');
    }
    expires = new Date(expiresAt);
    if (expires.getTime() <= now.getTime()) throw AppError.invalid('expiresAt must be in the future', '/expiresAt');
  }
  return { name, roles: [...new Set(roles as Role[])], expiresAt: expires };
}

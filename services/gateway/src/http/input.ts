import { AppError, ErrorCode } from '@af/errors';
import { DNS_LABEL } from '@af/blueprint-format';

export { DNS_LABEL };

export function agentName(value: string, path = '/name'): string {
  if (!DNS_LABEL.test(value)) throw AppError.invalid(`"${value}" is not a valid name: lower-case letters, digits and "-", at most 63 characters`, path);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional positive integer from a query string, header or body field. */
export function optionalVersion(value: unknown, path: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2_147_483_647) throw AppError.invalid('version must be a positive integer', path);
  return n;
}

/** `If-Match: 3` or `If-Match: "3"`: the version the client last saw. */
export function ifMatchVersion(header: string | undefined): number {
  if (header === undefined) return 0;
  const value = header.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new AppError(ErrorCode.InvalidArgument, 'If-Match must be a blueprint version number', { path: '/headers/if-match' });
  return Number(value);
}

/** `?limit=` from 1 to 100; absent means the service's default. */
export function optionalLimit(value: unknown, path = '/query/limit'): number {
  if (value === undefined || value === '') return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw AppError.invalid('limit must be an integer from 1 to 100', path);
  return n;
}

import { AppError } from '@af/errors';

/** Bounds of every user-controlled input of af.v1.memory.* (over → INVALID_ARGUMENT with the path). */
export const LIMITS = {
  contentBytes: 16 * 1024,
  metadataBytes: 8 * 1024,
  queryChars: 512,
  maxLimit: 100,
  defaultLimit: 10,
  maxDepth: 3,
  idChars: 128,
  messageBytes: 4 * 1024,
  appendMessages: 100,
  documentBytes: 64 * 1024,
  maxTtlSeconds: 30 * 24 * 3_600,
} as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireId(value: string, path: string, what: string): string {
  if (!ID.test(value)) throw AppError.invalid(`${what} must be 1–${LIMITS.idChars} characters of letters, digits and _ . @ + - (got ${JSON.stringify(value.slice(0, 40))})`, path);
  return value;
}

export function optionalId(value: string, path: string, what: string): string {
  return value ? requireId(value, path, what) : '';
}

export function requireUuid(value: string, path: string): string {
  if (!UUID.test(value)) throw AppError.invalid('memory id must be a UUID', path);
  return value.toLowerCase();
}

export function maxBytes(value: string, limit: number, path: string, what: string): void {
  const bytes = Buffer.byteLength(value);
  if (bytes > limit) throw AppError.invalid(`${what} is ${bytes} bytes, at most ${limit} allowed`, path);
}

/** Metadata: a JSON object of at most 8 KiB ('' = {}). */
export function metadataOf(json: string): string {
  if (!json) return '{}';
  maxBytes(json, LIMITS.metadataBytes, '/metadataJson', 'metadata');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw AppError.invalid('metadata must be JSON', '/metadataJson');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw AppError.invalid('metadata must be a JSON object', '/metadataJson');
  return JSON.stringify(value);
}

export function limitOf(limit: number): number {
  if (limit < 0 || limit > LIMITS.maxLimit) throw AppError.invalid(`limit must be between 1 and ${LIMITS.maxLimit}`, '/limit');
  return limit || LIMITS.defaultLimit;
}

export function timeOf(value: string, path: string): Date | null {
  if (!value) return null;
  const at = new Date(value);
  if (value.length > 40 || Number.isNaN(at.getTime())) throw AppError.invalid('must be an RFC 3339 timestamp', path);
  return at;
}

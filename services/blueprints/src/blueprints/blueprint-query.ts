import { AppError } from '@af/errors';
import { DNS_LABEL } from '@af/blueprint-format';

/** One term of a label selector. */
export type LabelRequirement =
  | { op: 'equals'; key: string; value: string }
  | { op: 'notEquals'; key: string; value: string }
  | { op: 'exists'; key: string }
  | { op: 'notExists'; key: string };

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const MAX_REQUIREMENTS = 20;
const MAX_QUERY_CHARS = 200;

// Kubernetes label syntax: an optional DNS-subdomain prefix and a name; values are names or empty.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const NAME = DNS_LABEL;

/**
 * Parses a Kubernetes-style equality selector: `k=v` (or `k==v`), `k!=v` (also matches blueprints
 * without the label, as in Kubernetes), `k` (has the label), `!k` (has not); terms joined by commas
 * all apply. Set-based terms (`in`, `notin`) are not supported.
 */
export function parseLabelSelector(selector: string, path = '/label_selector'): LabelRequirement[] {
  const text = selector.trim();
  if (text === '') return [];
  const terms = text.split(',').map((t) => t.trim());
  if (terms.length > MAX_REQUIREMENTS) throw AppError.invalid(`a label selector may have at most ${MAX_REQUIREMENTS} terms`, path);
  return terms.map((term) => {
    const match = /^(!)?\s*([^=!\s]+)\s*(?:(==|=|!=)\s*(\S*))?$/.exec(term);
    if (!match) throw AppError.invalid(`"${term}" is not a label requirement: write key=value, key!=value, key or !key`, path);
    const [, not, key, op, value] = match as unknown as [string, string | undefined, string, string | undefined, string | undefined];
    if (!LABEL_KEY.test(key)) throw AppError.invalid(`"${key}" is not a valid label key`, path);
    if (op === undefined) return not ? { op: 'notExists', key } : { op: 'exists', key };
    if (not) throw AppError.invalid(`"${term}": "!" only negates a bare key (!key)`, path);
    if (!LABEL_VALUE.test(value ?? '')) throw AppError.invalid(`"${value}" is not a valid label value`, path);
    return op === '!=' ? { op: 'notEquals', key, value: value ?? '' } : { op: 'equals', key, value: value ?? '' };
  });
}

export function pageSize(limit: number, path = '/limit'): number {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) throw AppError.invalid(`limit must be between 1 and ${MAX_PAGE_SIZE}`, path);
  return limit === 0 ? DEFAULT_PAGE_SIZE : limit;
}

export function freeText(query: string, path = '/query'): string | undefined {
  const text = query.trim();
  if (text === '') return undefined;
  if (text.length > MAX_QUERY_CHARS) throw AppError.invalid(`the search text may have at most ${MAX_QUERY_CHARS} characters`, path);
  return text;
}

/** A LIKE pattern that matches the text literally anywhere (`\` is the escape character). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Opaque page cursor: the last name of the previous page (names order the listing). */
export function encodeCursor(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, path = '/cursor'): string | undefined {
  if (cursor === '') return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value.after === 'string' && NAME.test(value.after)) return value.after;
  } catch {
    // fall through
  }
  throw AppError.invalid('cursor is not one this service issued: pass next_cursor from the previous page as is', path);
}

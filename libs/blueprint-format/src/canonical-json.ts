import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Canonical JSON per RFC 8785 (JCS), written by the npm package `canonicalize` (the RFC's reference
 * JavaScript implementation): object keys sorted by UTF-16 code units, no whitespace, numbers in
 * ECMAScript shortest form, strings escaped as JSON.stringify does. Members whose value is
 * `undefined` are dropped and `undefined` array elements written as null (as JSON.stringify does).
 * Refused with a TypeError: non-finite numbers, lone surrogates (RFC 8785 requires I-JSON),
 * cycles, and a value that has no JSON form at all (undefined, a function).
 *
 * For every JSON value without lone surrogates this is byte for byte what the three hand-written
 * copies it replaces produced (blueprints, validation, compilation: keys sorted with the default
 * `sort()`, JSON.stringify for strings and numbers), so existing content hashes stay the same —
 * canonical-json.spec.ts checks the RFC 8785 vectors and the old implementation side by side.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new TypeError(`canonical JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new TypeError(`canonical JSON: a ${typeof value} has no JSON form`);
  return text;
}

/** `sha256:<hex>` of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The content hash of a JSON value: `sha256:<hex>` over its canonical JSON. */
export function contentHashOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** In u-mode a paired surrogate reads as one code point: only a lone one is category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Where a string in a JSON value has a lone surrogate (which has no canonical form), as a JSON Pointer; undefined when none. */
export function loneSurrogatePath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return path;
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (LONE_SURROGATE.test(key)) return at;
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

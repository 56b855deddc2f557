import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

/**
 * Regular expressions written by users (`pattern`, `patternProperties` in their JSON Schemas) run
 * on RE2 (npm `re2js`, pure JavaScript): matching takes time linear in the input, whatever the
 * pattern — `^(a+)+$` cannot stall an event loop. RE2 has no backreferences and no lookaround;
 * such patterns are refused when the schema is checked (UNSUPPORTED_PATTERN, with their path).
 */
export function compileUserPattern(pattern: string): RegExpLike {
  const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  // ajv de-duplicates compiled patterns by `toString()`: each must print as itself.
  return { test: (text: string) => re.test(text), toString: () => `/${pattern}/u` } as RegExpLike;
}

/** The engine ajv uses for every pattern of a user schema (`code: { regExp }`). */
export const re2RegExp: RegExpEngine = Object.assign((pattern: string) => compileUserPattern(pattern), { code: 're2js' });

/** Why RE2 refuses a pattern, or undefined when it accepts it. */
export function unsupportedPatternReason(pattern: string): string | undefined {
  try {
    compileUserPattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_ONE = ['additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems'];

/** Every user pattern of a schema with its JSON Pointer (relative to the schema): `pattern` values and `patternProperties` keys. */
export function userPatterns(schema: unknown): { path: string; pattern: string }[] {
  const found: { path: string; pattern: string }[] = [];
  const stack: [unknown, string][] = [[schema, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) continue;
    const s = node as Record<string, unknown>;
    if (typeof s['pattern'] === 'string') found.push({ path: `${path}/pattern`, pattern: s['pattern'] });
    const patternProperties = s['patternProperties'];
    if (isRecord(patternProperties)) for (const key of Object.keys(patternProperties)) found.push({ path: `${path}/patternProperties/${escape(key)}`, pattern: key });
    for (const keyword of SCHEMA_MAPS) {
      const map = s[keyword];
      if (isRecord(map)) for (const [key, child] of Object.entries(map)) stack.push([child, `${path}/${keyword}/${escape(key)}`]);
    }
    for (const keyword of SCHEMA_LISTS) {
      const list = s[keyword];
      if (Array.isArray(list)) list.forEach((child, i) => stack.push([child, `${path}/${keyword}/${i}`]));
    }
    for (const keyword of SCHEMA_ONE) if (Object.hasOwn(s, keyword)) stack.push([s[keyword], `${path}/${keyword}`]);
    const items = s['items'];
    if (Array.isArray(items)) items.forEach((child, i) => stack.push([child, `${path}/items/${i}`]));
    else if (items !== undefined) stack.push([items, `${path}/items`]);
    const dependencies = s['dependencies'];
    if (isRecord(dependencies)) for (const [key, child] of Object.entries(dependencies)) if (!Array.isArray(child)) stack.push([child, `${path}/dependencies/${escape(key)}`]);
  }
  return found.reverse();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

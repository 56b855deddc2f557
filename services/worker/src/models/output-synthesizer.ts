import { createHash } from 'node:crypto';
import type { JsonSchema, JsonValue } from '../artifacts/artifact.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Deterministic "random" numbers in [0, 1) per (seed, path): the same seed and schema give the same
 * value whatever the order values are generated in.
 */
export class SeededChoice {
  constructor(private readonly seed: string) {}

  unit(path: string): number {
    const digest = createHash('sha256').update(`${this.seed}\0${path}`).digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  }

  int(path: string, min: number, max: number): number {
    return min + Math.floor(this.unit(path) * (max - min + 1));
  }

  pick<T>(path: string, options: readonly T[]): T {
    return options[Math.min(options.length - 1, Math.floor(this.unit(path) * options.length))] as T;
  }
}

function typeOf(schema: Obj): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (isObject(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return undefined;
}

/** Whether a found value may stand for this schema (type, enum/const and numeric/string bounds). */
export function fits(schema: Obj, value: unknown): boolean {
  if (value === undefined) return false;
  if ('const' in schema) return JSON.stringify(schema['const']) === JSON.stringify(value);
  if (Array.isArray(schema['enum'])) return schema['enum'].some((e) => JSON.stringify(e) === JSON.stringify(value));
  const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : typeof schema['type'] === 'string' ? [schema['type']] : [];
  if (types.length > 0 && !types.some((t) => matchesType(t, value))) return false;
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return false;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return false;
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum']) return false;
    if (typeof schema['exclusiveMaximum'] === 'number' && value >= schema['exclusiveMaximum']) return false;
  }
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) return false;
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) return false;
  }
  return true;
}

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

/**
 * Produces a JSON value valid against `schema`: a property is taken from the first source object
 * that has a fitting value of the same name (tool results first, then the input); the rest is
 * synthesized deterministically from `choice`. Handles objects (required/optional), arrays
 * (min/maxItems), enums/const, numbers/integers (min/max/exclusive/multipleOf), strings
 * (min/maxLength, common formats), booleans, null, anyOf/oneOf (first) and allOf (merged).
 * `pattern`, `$ref` and `not` are not synthesized: the caller validates the result.
 */
export function synthesize(schema: JsonSchema | boolean | null | undefined, sources: readonly unknown[], choice: SeededChoice, path = ''): JsonValue {
  if (!isObject(schema)) return {};
  if ('const' in schema) return schema['const'] as JsonValue;
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return choice.pick(`${path}#enum`, schema['enum'] as JsonValue[]);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return synthesize({ ...without(schema, key), ...(options[0] as Obj) }, sources, choice, path);
  }
  if (Array.isArray(schema['allOf'])) {
    const merged = (schema['allOf'] as Obj[]).reduce<Obj>(
      (acc, part) => ({
        ...acc,
        ...part,
        properties: { ...(acc['properties'] as Obj | undefined), ...(part['properties'] as Obj | undefined) },
        required: [...((acc['required'] as string[] | undefined) ?? []), ...((part['required'] as string[] | undefined) ?? [])],
      }),
      without(schema, 'allOf'),
    );
    return synthesize(merged, sources, choice, path);
  }
  switch (typeOf(schema)) {
    case 'object':
      return synthesizeObject(schema, sources, choice, path);
    case 'array':
      return synthesizeArray(schema, sources, choice, path);
    case 'integer':
      return synthesizeNumber(schema, choice, path, true);
    case 'number':
      return synthesizeNumber(schema, choice, path, false);
    case 'string':
      return synthesizeString(schema, choice, path);
    case 'boolean':
      return choice.unit(path) < 0.5;
    case 'null':
      return null;
    default:
      return null;
  }
}

function without(schema: Obj, key: string): Obj {
  const copy = { ...schema };
  delete copy[key];
  return copy;
}

function synthesizeObject(schema: Obj, sources: readonly unknown[], choice: SeededChoice, path: string): JsonValue {
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const objects = sources.filter(isObject);
  const out: Record<string, JsonValue> = {};
  for (const name of [...new Set([...Object.keys(properties), ...required])]) {
    const sub = (isObject(properties[name]) ? properties[name] : {}) as Obj;
    const found = objects.map((o) => o[name]).find((v) => fits(sub, v) && (typeOf(sub) !== 'object' || !isObject(v) || coversRequired(sub, v)));
    const childPath = `${path}/${name}`;
    if (found !== undefined) out[name] = found as JsonValue;
    else if (required.has(name) || choice.unit(`${childPath}#present`) < 0.5) {
      out[name] = synthesize(sub, objects.map((o) => o[name]).filter(isObject), choice, childPath);
    }
  }
  const minProperties = typeof schema['minProperties'] === 'number' ? schema['minProperties'] : 0;
  for (const name of Object.keys(properties)) {
    if (Object.keys(out).length >= minProperties) break;
    if (!(name in out)) out[name] = synthesize(properties[name] as Obj, [], choice, `${path}/${name}`);
  }
  return out;
}

function coversRequired(schema: Obj, value: Obj): boolean {
  const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
  return required.every((r) => r in value);
}

function synthesizeArray(schema: Obj, sources: readonly unknown[], choice: SeededChoice, path: string): JsonValue {
  const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
  const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : Math.max(min, 3);
  const length = choice.int(`${path}#length`, Math.max(min, Math.min(1, max)), Math.max(min, Math.min(max, min + 3)));
  const items = Array.isArray(schema['prefixItems']) ? (schema['prefixItems'] as Obj[]) : [];
  return Array.from({ length }, (_, i) => synthesize(items[i] ?? (schema['items'] as Obj | undefined) ?? {}, sources, choice, `${path}/${i}`));
}

function synthesizeNumber(schema: Obj, choice: SeededChoice, path: string, integer: boolean): number {
  const num = (k: string) => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  let low = num('minimum') ?? (num('exclusiveMinimum') !== undefined ? (num('exclusiveMinimum') as number) + (integer ? 1 : 1e-6) : undefined);
  let high = num('maximum') ?? (num('exclusiveMaximum') !== undefined ? (num('exclusiveMaximum') as number) - (integer ? 1 : 1e-6) : undefined);
  if (low === undefined && high === undefined) [low, high] = [0, 100];
  else if (low === undefined) low = Math.min(0, (high as number) - 100);
  else if (high === undefined) high = low + 100;
  const step = num('multipleOf');
  if (step && step > 0) {
    const first = Math.ceil((low as number) / step);
    const last = Math.floor((high as number) / step);
    return last < first ? first * step : choice.int(path, first, last) * step;
  }
  if (integer) return choice.int(path, Math.ceil(low as number), Math.floor(high as number));
  const value = (low as number) + choice.unit(path) * ((high as number) - (low as number));
  const rounded = Math.round(value * 100) / 100;
  return rounded >= (low as number) && rounded <= (high as number) ? rounded : value;
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

function synthesizeString(schema: Obj, choice: SeededChoice, path: string): string {
  const n = choice.int(path, 0, 9_999);
  switch (schema['format']) {
    case 'date-time':
      return new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString();
    case 'date':
      return new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    case 'email':
      return `${choice.pick(path, WORDS)}${n}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${choice.pick(path, WORDS)}/${n}`;
    case 'uuid': {
      const hex = createHash('sha256').update(`${path}\0${n}`).digest('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    }
    default: {
      const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
      const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
      let text = `${choice.pick(path, WORDS)}-${n}`;
      while (text.length < min) text += `-${choice.pick(`${path}/${text.length}`, WORDS)}`;
      return text.slice(0, Math.max(min, Math.min(max, text.length)));
    }
  }
}

/** A value of the schema's type for a tool argument nobody supplied (first enum, minimum, empty). */
export function defaultFor(schema: unknown): JsonValue {
  if (!isObject(schema)) return null;
  if ('default' in schema) return schema['default'] as JsonValue;
  if ('const' in schema) return schema['const'] as JsonValue;
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0] as JsonValue;
  switch (typeOf(schema)) {
    case 'string':
      return 'x'.repeat(typeof schema['minLength'] === 'number' ? schema['minLength'] : 0);
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const properties = isObject(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      return Object.fromEntries(required.map((r) => [r, defaultFor(properties[r])]));
    }
    default:
      return null;
  }
}

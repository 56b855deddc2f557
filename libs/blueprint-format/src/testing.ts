/**
 * Test support (entry point `@af/blueprint-format/testing`, never part of the index): documents
 * the one JSON Schema dialect must accept and reject. Validation, compilation and the worker each
 * run these cases through their own code, so a difference between them fails a test.
 */
export interface DialectCase {
  name: string;
  schema: Record<string, unknown>;
  accepts: unknown[];
  rejects: unknown[];
}

export const DIALECT_CASES: readonly DialectCase[] = [
  {
    name: 'prefixItems (2020-12 tuples)',
    schema: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false },
    accepts: [['a', 1], ['a']],
    rejects: [[1, 'a'], ['a', 1, true]],
  },
  {
    name: 'dependentRequired',
    schema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, dependentRequired: { a: ['b'] } },
    accepts: [{ a: 'x', b: 'y' }, { b: 'y' }, {}],
    rejects: [{ a: 'x' }],
  },
  {
    name: 'dependentSchemas',
    schema: { type: 'object', dependentSchemas: { card: { required: ['billing'] } } },
    accepts: [{ card: 1, billing: 'x' }, { other: 1 }],
    rejects: [{ card: 1 }],
  },
  {
    name: 'unevaluatedProperties',
    schema: { type: 'object', allOf: [{ properties: { a: { type: 'string' } } }], unevaluatedProperties: false },
    accepts: [{ a: 'x' }, {}],
    rejects: [{ a: 'x', extra: 1 }],
  },
  {
    name: 'unevaluatedItems',
    schema: { type: 'array', prefixItems: [{ type: 'string' }], unevaluatedItems: false },
    accepts: [['a'], []],
    rejects: [['a', 'b']],
  },
  {
    name: 'const',
    schema: { type: 'object', properties: { kind: { const: 'lead' } }, required: ['kind'] },
    accepts: [{ kind: 'lead' }],
    rejects: [{ kind: 'Lead' }, {}],
  },
  {
    name: 'formats (email, date-time, uuid, uri)',
    schema: {
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' }, id: { type: 'string', format: 'uuid' }, site: { type: 'string', format: 'uri' } },
    },
    accepts: [{ email: 'a@example.com', at: '2026-11-24T10:00:00Z', id: '0b6f1f4c-3a55-4c2e-9a57-0d3c8c6a1e2b', site: 'https://example.com/x' }],
    rejects: [{ email: 'not-an-email' }, { at: 'yesterday' }, { id: 'nope' }, { site: 'not a uri' }],
  },
  {
    name: 'pattern and patternProperties (RE2)',
    schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } }, patternProperties: { '^x-': { type: 'integer' } } },
    accepts: [{ code: 'ABC', 'x-n': 1 }, {}],
    rejects: [{ code: 'abc' }, { 'x-n': 'one' }],
  },
  {
    name: 'two patterns in one schema are both enforced',
    schema: { type: 'object', properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } } },
    accepts: [{ a: 'aa', b: 'bb' }],
    rejects: [{ a: 'aa', b: 'aa' }, { a: 'bb', b: 'bb' }],
  },
  {
    name: 'draft-07 when $schema says so (tuple items, dependencies)',
    schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'string' }], additionalItems: false },
    accepts: [['a'], []],
    rejects: [['a', 'b'], [1]],
  },
  {
    name: '$id and $ref inside the schema',
    schema: { $id: 'https://schemas.example.com/lead', $defs: { email: { type: 'string', format: 'email' } }, type: 'object', properties: { email: { $ref: '#/$defs/email' } } },
    accepts: [{ email: 'a@example.com' }],
    rejects: [{ email: 'x' }],
  },
];

/** Patterns with catastrophic backtracking, and inputs that make a backtracking engine take seconds. */
export const REDOS_CASES: readonly { pattern: string; input: string }[] = [
  { pattern: '^(a+)+$', input: `${'a'.repeat(32)}!` },
  { pattern: '^(a|aa)+$', input: `${'a'.repeat(40)}!` },
  { pattern: '^(\\w+\\s?)*$', input: `${'word '.repeat(12)}!` },
];

/** Patterns RE2 cannot express (backreferences, lookaround). */
export const UNSUPPORTED_PATTERNS: readonly string[] = ['^(a)\\1$', '^(?=a)a$', '(?<!x)y', '^(?!admin).*$'];

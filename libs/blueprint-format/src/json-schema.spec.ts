import { describe, expect, it } from '@jest/globals';
import { JsonSchemaCompiler } from './json-schema.js';
import { DIALECT_CASES, REDOS_CASES, UNSUPPORTED_PATTERNS } from './testing.js';

const schemas: unknown[] = [
  { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  { type: 'object', properties: { n: { type: 'integer', minimum: 0 } } },
  { type: 'strin' },
  { type: 'object', properties: { p: { type: 'string', pattern: '([' } } },
  { type: 'object', properties: { p: { type: 'string', pattern: '^(a)\\1$' } } },
  { $ref: '#/$defs/missing' },
  { $defs: { a: { type: 'string' } }, $ref: '#/$defs/a' },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', definitions: { x: { type: 'number' } } },
  { $schema: 'https://example.com/my-dialect', type: 'object' },
  { required: 'message' },
  true,
  false,
  'not a schema',
  [],
  null,
];

describe(JsonSchemaCompiler.name, () => {
  it.each(DIALECT_CASES.map((c) => [c.name, c] as const))('draft 2020-12 by default, draft-07 on request: %s', (_name, c) => {
    const compiled = new JsonSchemaCompiler().compile(c.schema);
    if (!compiled.ok) throw new Error(`did not compile: ${JSON.stringify(compiled.problems)}`);
    for (const value of c.accepts) expect({ value, valid: compiled.validate(value) }).toEqual({ value, valid: true });
    for (const value of c.rejects) expect({ value, valid: compiled.validate(value) }).toEqual({ value, valid: false });
  });

  it('checks a schema exactly as compiling it would decide, without keeping a validator', () => {
    for (const schema of schemas) {
      const compiled = new JsonSchemaCompiler().compile(schema);
      const checked = new JsonSchemaCompiler().check(schema);
      expect({ schema, ok: checked.ok }).toEqual({ schema, ok: compiled.ok });
      if (!compiled.ok && !checked.ok) expect(checked.problems).toEqual(compiled.problems);
    }
  });

  it.each(REDOS_CASES.map((c) => [c.pattern, c.input] as const))('matches %s in linear time (within 100 ms)', (pattern, input) => {
    const compiled = new JsonSchemaCompiler().compile({ type: 'object', properties: { s: { type: 'string', pattern } }, patternProperties: { [pattern]: { type: 'string' } } });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const started = performance.now();
    const valid = compiled.validate({ s: input, [input]: 1 });
    expect(performance.now() - started).toBeLessThan(100);
    expect(valid).toBe(false);
  });

  it.each(UNSUPPORTED_PATTERNS.map((p) => [p]))('refuses %s, which RE2 cannot run, with the path of the pattern', (pattern) => {
    const schema = { type: 'object', properties: { 'a/b': { type: 'array', items: { type: 'string', pattern } } }, patternProperties: { [pattern]: true } };
    for (const result of [new JsonSchemaCompiler().compile(schema), new JsonSchemaCompiler().check(schema)]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.problems.map((p) => [p.code, p.path])).toEqual([
        ['UNSUPPORTED_PATTERN', '/properties/a~1b/items/pattern'],
        ['UNSUPPORTED_PATTERN', `/patternProperties/${pattern.replace(/~/g, '~0').replace(/\//g, '~1')}`],
      ]);
      expect(result.problems[0]!.message).toContain('RE2');
    }
  });

  it('refuses an unknown dialect and an invalid schema with the place', () => {
    const sut = new JsonSchemaCompiler();
    expect(sut.compile({ $schema: 'https://example.com/x' })).toMatchObject({ ok: false, problems: [{ code: 'INVALID_JSON_SCHEMA', path: '/$schema' }] });
    expect(sut.compile({ type: 'strng' })).toMatchObject({ ok: false, problems: [{ path: '/type' }] });
    expect(sut.compile({ $ref: '#/$defs/missing' })).toMatchObject({ ok: false });
  });

  it('compiles the same $id twice, and two different schemas with one $id, without collisions', () => {
    const sut = new JsonSchemaCompiler();
    const a = sut.compile({ $id: 'https://x.example/s', type: 'object', properties: { n: { $id: 'https://x.example/n', type: 'string' } } });
    const b = sut.compile({ $id: 'https://x.example/s', type: 'object', properties: { n: { $id: 'https://x.example/n', type: 'integer' } } });
    const again = new JsonSchemaCompiler({ maxEntries: 1 });
    again.compile({ $id: 'https://x.example/s', type: 'string' });
    again.compile({ type: 'number' });
    expect(again.compile({ $id: 'https://x.example/s', type: 'string' }).ok).toBe(true);
    expect(a.ok && a.validate({ n: 'x' })).toBe(true);
    expect(b.ok && b.validate({ n: 'x' })).toBe(false);
    expect(b.ok && b.validate({ n: 1 })).toBe(true);
  });

  it('keeps at most maxEntries outcomes and retires its ajv after compilesPerAjv compiles (bounded memory)', () => {
    const sut = new JsonSchemaCompiler({ maxEntries: 50, compilesPerAjv: 100 });
    const created = sut.ajvInstances;
    for (let i = 0; i < 1_000; i++) sut.compile({ type: 'object', properties: { [`p${i}`]: { type: 'string', pattern: `^v${i}$` } } });
    expect(sut.cached).toBe(50);
    expect(sut.ajvInstances - created).toBe(10);
  });

  it('serves equal schemas (whatever their key order) from one compiled validator', () => {
    const sut = new JsonSchemaCompiler({ maxEntries: 2 });
    const a = sut.compile({ type: 'object', properties: { x: { type: 'string' } } });
    expect(sut.compile({ properties: { x: { type: 'string' } }, type: 'object' })).toBe(a);
    sut.check({ type: 'string' });
    sut.check({ type: 'number' });
    expect(sut.cached).toBe(2);
    expect(sut.compile({ type: 'object', properties: { x: { type: 'string' } } })).not.toBe(a);
  });
});

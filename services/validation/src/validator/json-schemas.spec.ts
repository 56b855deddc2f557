import { describe, expect, it } from '@jest/globals';
import { UserSchemaCompiler } from './json-schemas.js';

const schemas: unknown[] = [
  { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  { type: 'object', properties: { n: { type: 'integer', minimum: 0 } } },
  { type: 'strin' },
  { type: 'object', properties: { p: { type: 'string', pattern: '([' } } },
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

describe(UserSchemaCompiler.name, () => {
  it('checks a schema exactly as compiling it would decide, without keeping a validator', () => {
    for (const schema of schemas) {
      const sut = new UserSchemaCompiler();
      const compiled = sut.compile(schema);
      const checked = new UserSchemaCompiler().check(schema);
      expect({ schema, ok: checked.ok }).toEqual({ schema, ok: compiled.ok });
      if (!compiled.ok && !checked.ok && 'problems' in checked) expect(checked.problems.map((p) => p.path)).toEqual(compiled.problems.map((p) => p.path));
    }
  });

  it('serves repeated checks and compiles from its cache', () => {
    const sut = new UserSchemaCompiler(10);
    sut.check(schemas[0]);
    sut.check(schemas[0]);
    sut.compile(schemas[0]);
    expect(sut.cached).toBe(2);
  });
});

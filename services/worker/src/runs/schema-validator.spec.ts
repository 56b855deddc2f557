import { describe, expect, it } from '@jest/globals';
import { DIALECT_CASES, REDOS_CASES, UNSUPPORTED_PATTERNS } from '@af/blueprint-format/testing';
import { MAX_CACHED_VALIDATORS, SchemaValidator } from './schema-validator.js';

describe(SchemaValidator.name, () => {
  it.each(DIALECT_CASES.map((c) => [c.name, c] as const))('validates in the one dialect of the blueprint format: %s', (_name, c) => {
    const sut = new SchemaValidator();
    for (const value of c.accepts) expect({ value, violations: sut.validate(c.schema, value) }).toEqual({ value, violations: [] });
    for (const value of c.rejects) expect({ value, rejected: sut.validate(c.schema, value).length > 0 }).toEqual({ value, rejected: true });
  });

  it('enforces dependentRequired: a tool whose schema requires b with a does not run with a alone', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, dependentRequired: { a: ['b'] } };
    expect(new SchemaValidator().validate(schema, { a: 'x' })).toEqual([{ path: '/', message: 'must have property b when property a is present' }]);
  });

  it.each(REDOS_CASES.map((c) => [c.pattern, c.input] as const))('answers %s on a hostile input within 100 ms (RE2)', (pattern, input) => {
    const sut = new SchemaValidator();
    const schema = { type: 'object', properties: { s: { type: 'string', pattern } }, patternProperties: { [pattern]: true } };
    sut.validate(schema, {});
    const started = performance.now();
    const violations = sut.validate(schema, { s: input, [input]: 1 });
    expect(performance.now() - started).toBeLessThan(100);
    expect(violations.map((v) => v.path)).toEqual(['/s']);
  });

  it('reports a schema it cannot run as a violation instead of throwing', () => {
    const sut = new SchemaValidator();
    for (const pattern of UNSUPPORTED_PATTERNS) {
      expect(sut.validate({ type: 'string', pattern }, 'x')).toEqual([{ path: '/', message: expect.stringContaining('/pattern') }]);
    }
    expect(sut.validate({ type: 'strng' } as never, 'x')).toHaveLength(1);
  });

  it('two tools (or tenants) with the same $id neither throw nor share a validator', () => {
    const sut = new SchemaValidator();
    const first = { $id: 'https://tenant.example/input', type: 'object', properties: { n: { type: 'string' } }, required: ['n'] };
    const second = { $id: 'https://tenant.example/input', type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    expect(sut.validate(first, { n: 'x' })).toEqual([]);
    expect(sut.validate(second, { n: 'x' })).toEqual([{ path: '/n', message: 'must be integer' }]);
    expect(sut.validate(second, { n: 1 })).toEqual([]);
    expect(sut.validate(first, { n: 1 })).toEqual([{ path: '/n', message: 'must be string' }]);
  });

  it('keeps memory flat across many artifacts: 200 (and 2 200) tools with distinct $ids stay within the bounded cache', () => {
    const small = new SchemaValidator(50);
    const tool = (i: number) => ({ $id: `https://t${i}.example/tool`, type: 'object', properties: { q: { type: 'string', pattern: `^q${i}$` } }, required: ['q'] });
    for (let i = 0; i < 200; i++) expect(small.validate(tool(i), { q: `q${i}` })).toEqual([]);
    expect(small.cachedValidators).toBe(50);

    // Also across 2 000 further distinct tools: the cache never holds more than its bound.
    for (let i = 200; i < 2_200; i++) small.validate(tool(i), { q: 'x' });
    expect(small.cachedValidators).toBe(50);
    expect(MAX_CACHED_VALIDATORS).toBeGreaterThanOrEqual(200);
  });
});

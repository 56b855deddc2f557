import { describe, expect, it } from '@jest/globals';
import { EVAL_EXPECT_LIMITS, checkEvalExpectation, checkExpectation, parseEvalPath } from './evals.js';

const output = { qualified: true, score: 0.72, lead: { name: 'Ada Lovelace', tags: ['hot', 'b2b'], 'a/b': 1, 'c~d': 2 }, reason: 'wants to buy next month', items: [{ id: 7 }] };

describe('checkExpectation', () => {
  it('passes when every field path holds (deep-equal, nested, dotted and JSON Pointer)', () => {
    expect(checkExpectation({ qualified: true, 'lead.name': 'Ada Lovelace', '/lead/tags': ['hot', 'b2b'], '/items/0': { id: 7 }, '/lead/a~1b': 1, '/lead/c~0d': 2 }, output)).toEqual([]);
  });

  it('names the path, the expected and the actual value of each failure', () => {
    expect(checkExpectation({ qualified: false, 'lead.tags': ['hot'], '/items/1/id': 7, 'lead.missing': 1 }, output)).toEqual([
      '/qualified: expected false, got true',
      '/lead/tags: expected ["hot"], got ["hot","b2b"]',
      '/items/1/id: expected 7, got nothing (no such field)',
      '/lead/missing: expected 1, got nothing (no such field)',
    ]);
  });

  it('does not read an array by a non-index segment nor walk into a scalar', () => {
    expect(checkExpectation({ '/lead/tags/length': 2, 'score.x': 1 }, output)).toEqual([
      '/lead/tags/length: expected 2, got nothing (no such field)',
      '/score/x: expected 1, got nothing (no such field)',
    ]);
  });

  it('checks the output against $schema with the instance path of each violation', () => {
    const schema = { type: 'object', required: ['qualified', 'score'], properties: { score: { type: 'number', maximum: 0.5 }, reason: { type: 'string', pattern: '^wants' } } };
    expect(checkExpectation({ $schema: schema }, { ...output, score: 0.4 })).toEqual([]);
    expect(checkExpectation({ $schema: schema }, output)).toEqual(['$schema: /score must be <= 0.5']);
    expect(checkExpectation({ $schema: schema }, { score: 'x' })).toEqual(expect.arrayContaining(["$schema: (output) must have required property 'qualified'", '$schema: /score must be number']));
  });

  describe('$predicates', () => {
    const holds = (op: string, path: string, value?: unknown) => checkExpectation({ $predicates: [{ path, op, ...(value === undefined ? {} : { value }) }] }, output);

    it.each([
      ['eq', '/score', 0.72],
      ['ne', '/score', 0.5],
      ['gt', '/score', 0.7],
      ['gte', '/score', 0.72],
      ['lt', 'score', 0.8],
      ['lte', 'score', 0.72],
      ['contains', '/reason', 'buy'],
      ['contains', '/lead/tags', 'b2b'],
      ['contains', '/items', { id: 7 }],
      ['matches', '/lead/name', '^Ada\\s+L'],
      ['exists', '/lead/name', undefined],
      ['exists', '/lead/name', true],
      ['exists', '/lead/age', false],
      ['eq', '', output],
    ])('%s %s %j holds', (op, path, value) => {
      expect(holds(op, path, value)).toEqual([]);
    });

    it.each([
      ['eq', '/score', 1, '/score: expected eq 1, got 0.72'],
      ['ne', '/score', 0.72, '/score: expected ne 0.72, got 0.72'],
      ['gt', '/score', 0.72, '/score: expected gt 0.72, got 0.72'],
      ['gte', '/score', 0.8, '/score: expected gte 0.8, got 0.72'],
      ['lt', '/score', 0.72, '/score: expected lt 0.72, got 0.72'],
      ['lte', '/score', 0.7, '/score: expected lte 0.7, got 0.72'],
      ['gt', '/reason', 1, '/reason: expected a number gt 1, got "wants to buy next month"'],
      ['contains', '/reason', 'sell', '/reason: expected a string containing "sell", got "wants to buy next month"'],
      ['contains', '/lead/tags', 'cold', '/lead/tags: expected a list containing "cold", got ["hot","b2b"]'],
      ['contains', '/score', 1, '/score: expected a string or list containing 1, got 0.72'],
      ['matches', '/lead/name', '^Grace', '/lead/name: expected a string matching /^Grace/, got "Ada Lovelace"'],
      ['matches', '/score', '1', '/score: expected a string matching /1/, got 0.72'],
      ['exists', '/lead/age', undefined, '/lead/age: expected to exist, got nothing'],
      ['exists', '/qualified', false, '/qualified: expected to be absent, got true'],
      ['gte', '/nope', 1, '/nope: expected gte 1, got nothing (no such field)'],
    ])('%s %s %j fails with its text', (op, path, value, failure) => {
      expect(holds(op, path, value)).toEqual([failure]);
    });
  });

  it('combines field paths, $schema and $predicates, reporting every failure', () => {
    const failures = checkExpectation({ qualified: false, $schema: { type: 'object', required: ['x'] }, $predicates: [{ path: '/score', op: 'gte', value: 0.9 }] }, output);
    expect(failures).toEqual(['/qualified: expected false, got true', "$schema: (output) must have required property 'x'", '/score: expected gte 0.9, got 0.72']);
  });

  it('fails (never passes) an invalid expectation, with its problems', () => {
    // Not an object: the whole expected output.
    expect(checkExpectation('yes', output)).toEqual([expect.stringMatching(/^\(output\): expected "yes", got \{/)]);
    expect(checkExpectation(['a', 1], ['a', 1])).toEqual([]);
    expect(checkExpectation({ $predicates: [{ path: '/score', op: 'about', value: 1 }] }, output)).toEqual([expect.stringContaining('invalid expectation at /$predicates/0/op: op must be one of')]);
  });

  it('caps the failure lines and quoted values', () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, 'x'.repeat(500)]));
    const failures = checkExpectation(many, {});
    expect(failures).toHaveLength(EVAL_EXPECT_LIMITS.maxFailures);
    expect(failures.at(-1)).toBe(`… and ${80 - EVAL_EXPECT_LIMITS.maxFailures + 1} more failures`);
    expect(failures[0]!.length).toBeLessThan(300);
  });
});

describe('checkEvalExpectation', () => {
  it('accepts the plain field form and both reserved forms', () => {
    expect(checkEvalExpectation({ qualified: true, score: 0.9 })).toEqual([]);
    expect(checkEvalExpectation({ $schema: { type: 'object' }, $predicates: [{ path: '/a', op: 'exists' }, { path: 'b', op: 'matches', value: '^x+$' }] })).toEqual([]);
  });

  it('reports each problem with its path relative to expect', () => {
    expect(
      checkEvalExpectation({
        $ref: 1,
        'a..b': 1,
        '/x~2': 1,
        $schema: { type: 'nope' },
        $predicates: [{ path: '/s', op: 'gte', value: 'high' }, { op: 'eq', value: 1 }, { path: '/t', op: 'matches', value: '(a)\\1' }, { path: '/u', op: 'exists', value: 'yes' }, { path: '/v', op: 'eq' }, { path: '/w', op: 'eq', value: 1, extra: true }, 7],
      }),
    ).toEqual([
      { path: '/$ref', message: expect.stringContaining('"$ref" is reserved') },
      { path: '/a..b', message: expect.stringContaining('empty field name') },
      { path: '/~1x~02', message: expect.stringContaining('not a JSON Pointer') },
      { path: expect.stringMatching(/^\/\$schema/), message: expect.any(String) },
      { path: '/$predicates/0/value', message: 'gte compares numbers: value must be a number' },
      { path: '/$predicates/1/path', message: expect.stringContaining('path is required') },
      { path: '/$predicates/2/value', message: expect.stringContaining('not an RE2 pattern') },
      { path: '/$predicates/3/value', message: expect.stringContaining('exists takes value true') },
      { path: '/$predicates/4/value', message: 'eq needs a value' },
      { path: '/$predicates/5/extra', message: 'unknown predicate field "extra" (path, op, value)' },
      { path: '/$predicates/6', message: expect.stringContaining('a predicate is an object') },
    ]);
  });

  it('bounds size, keys, predicates and path depth', () => {
    expect(checkEvalExpectation({ big: 'x'.repeat(EVAL_EXPECT_LIMITS.maxBytes) })).toEqual([{ path: '', message: expect.stringContaining('at most 65536 bytes') }]);
    expect(checkEvalExpectation(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])))).toEqual([{ path: '', message: expect.stringContaining('at most 100 field paths') }]);
    expect(checkEvalExpectation({ $predicates: Array.from({ length: 101 }, () => ({ path: '/a', op: 'exists' })) })).toEqual([{ path: '/$predicates', message: expect.stringContaining('at most 100 entries') }]);
    expect(checkEvalExpectation({ [Array.from({ length: 33 }, () => 'a').join('.')]: 1 })[0]?.message).toContain('at most 32 segments');
    expect(checkEvalExpectation({ '/': 1 })[0]?.message).toContain('$predicates');
  });
});

describe('parseEvalPath', () => {
  it('reads JSON Pointers (with escapes) and dotted paths', () => {
    expect(parseEvalPath('/a/b~1c/d~0e')).toEqual({ ok: true, segments: ['a', 'b/c', 'd~e'] });
    expect(parseEvalPath('a.b.0')).toEqual({ ok: true, segments: ['a', 'b', '0'] });
    expect(parseEvalPath('')).toEqual({ ok: true, segments: [] });
  });
});

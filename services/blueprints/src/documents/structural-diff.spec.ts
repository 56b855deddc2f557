import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { structuralDiff } from './structural-diff.js';

const tool = (name: string, scope = 'internal') => ({ name, scope, builtin: 'http.request' });

describe(structuralDiff.name, () => {
  it('finds nothing between equal documents, whatever their key order', () => {
    expect(structuralDiff({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('reports added, removed and replaced members with JSON Pointers, keys in sorted order', () => {
    expect(structuralDiff({ spec: { goal: 'a', industryProfile: 'RealEstate' } }, { spec: { goal: 'b', model: { temperature: 0.2 } } })).toEqual([
      { op: 'replace', path: '/spec/goal', from: 'a', to: 'b' },
      { op: 'remove', path: '/spec/industryProfile', from: 'RealEstate' },
      { op: 'add', path: '/spec/model', to: { temperature: 0.2 } },
    ]);
  });

  it('escapes ~ and / in keys', () => {
    expect(structuralDiff({ labels: { 'a/b~c': 'x' } }, { labels: { 'a/b~c': 'y' } })).toEqual([{ op: 'replace', path: '/labels/a~1b~0c', from: 'x', to: 'y' }]);
  });

  it('replaces a value whose kind changes, and the root when it is not a container', () => {
    expect(structuralDiff({ a: [1] }, { a: { 0: 1 } })).toEqual([{ op: 'replace', path: '/a', from: [1], to: { 0: 1 } }]);
    expect(structuralDiff(1, 'x')).toEqual([{ op: 'replace', path: '', from: 1, to: 'x' }]);
  });

  it('matches tools by name: an insertion is one add, a change is reported inside the tool', () => {
    const from = { tools: [tool('score'), tool('fetch')] };
    const to = { tools: [tool('new_one'), tool('score', 'external'), tool('fetch')] };
    expect(structuralDiff(from, to)).toEqual([
      { op: 'add', path: '/tools/0', to: tool('new_one') },
      { op: 'replace', path: '/tools/1/scope', from: 'internal', to: 'external' },
    ]);
  });

  it('reports a removed named item at its index in the old version, highest first', () => {
    const from = { evals: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
    expect(structuralDiff(from, { evals: [{ name: 'b' }] })).toEqual([
      { op: 'remove', path: '/evals/2', from: { name: 'c' } },
      { op: 'remove', path: '/evals/0', from: { name: 'a' } },
    ]);
  });

  it('does not report a reordering of named items', () => {
    expect(structuralDiff({ tools: [tool('a'), tool('b')] }, { tools: [tool('b'), tool('a')] })).toEqual([]);
  });

  it('matches triggers by type when they have no names', () => {
    const from = { triggers: [{ type: 'api' }, { type: 'schedule', cron: '0 9 * * *' }] };
    const to = { triggers: [{ type: 'schedule', cron: '0 10 * * *' }, { type: 'webhook' }] };
    expect(structuralDiff(from, to)).toEqual([
      { op: 'remove', path: '/triggers/0', from: { type: 'api' } },
      { op: 'replace', path: '/triggers/0/cron', from: '0 9 * * *', to: '0 10 * * *' },
      { op: 'add', path: '/triggers/1', to: { type: 'webhook' } },
    ]);
  });

  it('compares other arrays by position (duplicate names, scalars)', () => {
    expect(structuralDiff({ route: ['a/x', 'b/y'] }, { route: ['a/x', 'c/z', 'd/w'] })).toEqual([
      { op: 'replace', path: '/route/1', from: 'b/y', to: 'c/z' },
      { op: 'add', path: '/route/2', to: 'd/w' },
    ]);
    expect(structuralDiff({ l: [1, 2, 3] }, { l: [1] })).toEqual([
      { op: 'remove', path: '/l/2', from: 3 },
      { op: 'remove', path: '/l/1', from: 2 },
    ]);
    const dupes = [{ name: 'a', v: 1 }, { name: 'a', v: 2 }];
    expect(structuralDiff({ t: dupes }, { t: [dupes[0], { name: 'a', v: 3 }] })).toEqual([{ op: 'replace', path: '/t/1/v', from: 2, to: 3 }]);
  });

  it('is empty exactly for equal values when no array holds named items', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(structuralDiff(a, a)).toEqual([]);
        const ops = structuralDiff(a, b);
        const equal = JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
        if (!containsNamedItems(a) && !containsNamedItems(b)) expect(ops.length === 0).toBe(equal);
        for (const op of ops) expect(op.path === '' || op.path.startsWith('/')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
}

function containsNamedItems(v: unknown): boolean {
  if (Array.isArray(v)) return v.some((x) => typeof x === 'object' && x !== null && !Array.isArray(x)) || v.some(containsNamedItems);
  if (typeof v !== 'object' || v === null) return false;
  return Object.values(v).some(containsNamedItems);
}

import { describe, expect, it } from '@jest/globals';
import { canonicalJson, scanTemplate } from '@af/blueprint-format';
import { humanPath, pointer, pointerSegments } from './findings.js';
import { editDistance, nearest } from './near-miss.js';

describe('near-miss', () => {
  it('counts edits, transpositions and ignores case', () => {
    expect(editDistance('score_lead', 'score_leads')).toBe(1);
    expect(editDistance('socre_lead', 'score_lead')).toBe(1);
    expect(editDistance('RealWorld', 'realWorld')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only plausible typos', () => {
    expect(nearest('score_leads', ['score_lead', 'fetch'])).toBe('score_lead');
    expect(nearest('zzz', ['score_lead'])).toBeUndefined();
    expect(nearest('x'.repeat(100), ['x'.repeat(100)])).toBeUndefined();
  });
});

describe('JSON Pointer', () => {
  it('escapes and reads back segments, and names fields for humans', () => {
    const p = pointer('spec', 'a/b', 'c~d', 0);
    expect(p).toBe('/spec/a~1b/c~0d/0');
    expect(pointerSegments(p)).toEqual(['spec', 'a/b', 'c~d', '0']);
    expect(humanPath('/spec/tools/0/scope')).toBe('spec.tools[0].scope');
    expect(humanPath('')).toBe('the document');
  });
});

describe(scanTemplate.name, () => {
  it('finds references with positions', () => {
    expect(scanTemplate('a {{x}}\n  {{ input.y.z }}')).toMatchObject({
      references: [
        { expression: 'x', root: 'x', line: 1, column: 3 },
        { expression: 'input.y.z', root: 'input', line: 2, column: 3 },
      ],
      problems: [],
      omittedProblems: 0,
    });
  });

  it('reports stray and unclosed braces', () => {
    expect(scanTemplate('a }} b').problems).toEqual([{ message: 'has "}}" without a matching "{{"', line: 1, column: 3, offset: 2 }]);
    expect(scanTemplate('{{a {{b}}').problems).toEqual([{ message: 'has "{{" that is never closed with "}}"', line: 1, column: 1, offset: 0 }]);
  });
});

describe(canonicalJson.name, () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: 'x', c: null })).toBe('{"a":"x","b":[{"a":2,"z":1}],"c":null}');
  });
});

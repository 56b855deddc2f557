import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, contentHashOf } from './canonical-json.js';

describe(canonicalJson.name, () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('sorts by UTF-16 code units and escapes like JSON', () => {
    expect(canonicalJson({ é: 1, Z: 2, a: 3, '\u2028': 'line\nbreak"' })).toBe('{"Z":2,"a":3,"é":1,"\u2028":"line\\nbreak\\""}');
  });

  it('writes numbers in their shortest JSON form', () => {
    expect(canonicalJson([1.0, -0, 1e21, 0.1, 100])).toBe('[1,0,1e+21,0.1,100]');
  });

  it('drops undefined members like JSON.stringify and refuses non-JSON values', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });

  it('is independent of key order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe(contentHashOf.name, () => {
  it('is sha256 over the canonical text', () => {
    expect(contentHashOf({ b: 1, a: 2 })).toBe(contentHashOf({ a: 2, b: 1 }));
    // sha256('{"a":1}')
    expect(contentHashOf({ a: 1 })).toBe('sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });
});

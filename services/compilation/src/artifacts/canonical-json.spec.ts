import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson, sha256 } from './canonical-json.js';

describe(canonicalJson.name, () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same bytes whatever the insertion order, and drops undefined members', () => {
    expect(canonicalJson({ x: 1, y: undefined, z: [1, 2] })).toBe(canonicalJson({ z: [1, 2], x: 1 }));
  });

  it('escapes strings like JSON and keeps unicode as is', () => {
    expect(canonicalJson({ 'é': 'a"b\n', '😀': 1.5 })).toBe('{"é":"a\\"b\\n","😀":1.5}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite number at /a');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('function at /f is not JSON');
  });

  it('hashes the UTF-8 bytes as sha256:<hex>, identically in another process', () => {
    const value = { spec: { tools: [{ name: 't', code: 'x' }], goal: 'g' }, n: 1e21, s: 'ü' };
    const here = sha256(canonicalJson(value));
    expect(here).toMatch(/^sha256:[0-9a-f]{64}$/);
    const script = `
      const { createHash } = await import('node:crypto');
      const sort = (v) => Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
      const json = JSON.stringify(sort(JSON.parse(process.argv[1])));
      process.stdout.write('sha256:' + createHash('sha256').update(json).digest('hex'));`;
    const there = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(value)], { encoding: 'utf8' });
    expect(there).toBe(here);
  });
});

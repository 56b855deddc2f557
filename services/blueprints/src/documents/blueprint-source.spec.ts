import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AppError, ErrorCode } from '@af/errors';
import { parseBlueprintSource, parseFormat, type SourceFormat } from './blueprint-source.js';

const limits = { maxSourceBytes: 65_536, maxDepth: 64, maxAliasCount: 50 };
const parse = (source: string, format: SourceFormat = 'yaml') => parseBlueprintSource(source, format, limits);

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe(parseBlueprintSource.name, () => {
  it('parses YAML and JSON to the same value', () => {
    const yaml = 'apiVersion: agentfactory.io/v1\nkind: AgentBlueprint\nmetadata:\n  name: a\nspec:\n  goal: "x"\n  tools: [{name: t, scope: internal}]\n';
    const json = '{"apiVersion":"agentfactory.io/v1","kind":"AgentBlueprint","metadata":{"name":"a"},"spec":{"goal":"x","tools":[{"name":"t","scope":"internal"}]}}';
    expect(parse(yaml)).toEqual(parse(json, 'json'));
  });

  it('reports YAML syntax errors with line, column and path', () => {
    const error = failure(() => parse('metadata:\n  name: a\nspec:\n  goal: a: b\n'));
    expect(error).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/goal/a' });
    expect(error.message).toBe('the blueprint is not valid YAML at line 4, column 9: Nested mappings are not allowed in compact mappings');
  });

  it('rejects duplicate keys in YAML and JSON with their position and path', () => {
    const yaml = failure(() => parse('metadata:\n  name: a\n  name: b\n'));
    expect(yaml).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/metadata/name' });
    expect(yaml.message).toMatch(/^duplicate key at line 3, column 3 \(\/metadata\/name\)/);
    const json = failure(() => parse('{"spec": {"goal": "a",\n "goal": "b"}}', 'json'));
    expect(json).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/goal' });
    expect(json.message).toMatch(/line 2, column 2/);
  });

  it('reports JSON syntax errors with line and column', () => {
    const error = failure(() => parse('{\n  "a": 1,\n  }', 'json'));
    expect(error.code).toBe(ErrorCode.InvalidDocument);
    expect(error.message).toMatch(/^the blueprint is not valid JSON at line 3, column 3: /);
  });

  it('stops alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const error = failure(() => parse(bomb.join('\n')));
    expect(error.code).toBe(ErrorCode.InvalidDocument);
    expect(error.message).toMatch(/aliases too much .*\(the last alias is at line 9, column \d+\)/);
    expect(error.path).toBe('/i/8');
  });

  it('allows a few aliases', () => {
    expect(parse('base: &b {x: 1}\nother: *b\n')).toEqual({ base: { x: 1 }, other: { x: 1 } });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects the key %s anywhere, with its path', (key) => {
    const yaml = failure(() => parse(`spec:\n  tools:\n    - name: t\n      ${key}: {polluted: true}\n`));
    expect(yaml).toMatchObject({ code: ErrorCode.InvalidDocument, path: `/spec/tools/0/${key}` });
    expect(yaml.message).toBe(`the key "${key}" is not allowed (line 4, column 7)`);
    const json = failure(() => parse(`{"a": {"${key}": {"polluted": true}}}`, 'json'));
    expect(json).toMatchObject({ code: ErrorCode.InvalidDocument, path: `/a/${key}` });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('limits depth and size', () => {
    const deep = 'a: '.concat('['.repeat(100), ']'.repeat(100));
    expect(failure(() => parse(deep))).toMatchObject({ code: ErrorCode.InvalidDocument });
    expect(failure(() => parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'json'))).toMatchObject({ code: ErrorCode.PayloadTooLarge, path: '/source' });
    const veryDeep = `{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const error = failure(() => parseBlueprintSource(veryDeep, 'json', { ...limits, maxSourceBytes: 1_000_000 }));
    expect(error.code).toBe(ErrorCode.InvalidDocument);
    const veryDeepYaml = failure(() => parseBlueprintSource(`a: ${'['.repeat(30_000)}${']'.repeat(30_000)}`, 'yaml', { ...limits, maxSourceBytes: 1_000_000 }));
    expect(veryDeepYaml.code).toBe(ErrorCode.InvalidDocument);
  });

  it.each([
    ['- a\n- b\n', 'yaml'],
    ['hello', 'yaml'],
    ['[1]', 'json'],
    ['"x"', 'json'],
    ['null', 'json'],
    ['   ', 'yaml'],
    ['a: 1\n---\nb: 2\n', 'yaml'],
    ['a: !!binary aGVsbG8=\n', 'yaml'],
    ['a: !custom x\n', 'yaml'],
    ['a: !!set {x}\n', 'yaml'],
    ['a: !!timestamp 2001-12-14\n', 'yaml'],
    ['? [a, b]\n: 1\n', 'yaml'],
    ['a: 1\u0000', 'yaml'],
    ['{"a": 1e400}', 'json'],
  ] as const)('rejects %j (%s)', (source, format) => {
    expect(failure(() => parse(source, format)).code).toBe(ErrorCode.InvalidDocument);
  });

  it('refuses a lone surrogate (no canonical JSON, so no content hash) with its path, in values and keys', () => {
    const value = failure(() => parse('{"metadata": {"name": "x\\ud800"}}', 'json'));
    expect([value.code, value.path]).toEqual([ErrorCode.InvalidDocument, '/metadata/name']);
    const key = failure(() => parse('{"spec": {"\\udc00": 1}}', 'json'));
    expect([key.code, key.path]).toEqual([ErrorCode.InvalidDocument, '/spec/\udc00']);
    expect(parse('{"a": "\\ud83d\\ude00"}', 'json')).toEqual({ a: '😀' });
  });

  it('never fails with anything but an AppError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom<SourceFormat>('yaml', 'json'), (source, format) => {
        try {
          const value = parse(source, format);
          expect(typeof value).toBe('object');
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe(parseFormat.name, () => {
  it('accepts yaml (default) and json only', () => {
    expect(parseFormat('')).toBe('yaml');
    expect(parseFormat('YAML')).toBe('yaml');
    expect(parseFormat('json')).toBe('json');
    expect(() => parseFormat('xml')).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, path: '/format' }));
  });
});

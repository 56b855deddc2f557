import { describe, expect, it } from '@jest/globals';
import { DIALECT_CASES, REDOS_CASES, UNSUPPORTED_PATTERNS } from '@af/blueprint-format/testing';
import { AppError, ErrorCode } from '@af/errors';
import { leadQualifier } from '../test/harness.js';
import { compileBlueprint } from './blueprint.compiler.js';
import { compiledSchema, schemaProblem } from './schema-check.js';

const identity = { name: 'lead-qualifier', version: 1, contentHash: 'sha256:' + 'b'.repeat(64) };

describe('compilation checks schemas in the one dialect of the blueprint format', () => {
  it.each(DIALECT_CASES.map((c) => [c.name, c] as const))('%s: compiles, and accepts/rejects what validation and the worker do', (_name, c) => {
    expect(schemaProblem(c.schema)).toBeNull();
    const compiled = compiledSchema(c.schema);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    for (const value of c.accepts) expect({ value, valid: compiled.validate(value) }).toEqual({ value, valid: true });
    for (const value of c.rejects) expect({ value, valid: compiled.validate(value) }).toEqual({ value, valid: false });
  });

  it.each(REDOS_CASES.map((c) => [c.pattern, c.input] as const))('runs %s in linear time', (pattern, input) => {
    const compiled = compiledSchema({ type: 'string', pattern });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const started = performance.now();
    expect(compiled.validate(input)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it.each(UNSUPPORTED_PATTERNS.map((p) => [p]))('refuses a tool whose inputSchema has %s, at the path of the pattern', async (pattern) => {
    const doc = leadQualifier();
    const tools = doc.spec.tools.map((t, i) => (i === 0 ? { ...t, inputSchema: { type: 'object', properties: { message: { type: 'string', pattern } }, required: ['message'] } } : t));
    const error = await compileBlueprint({ ...doc, spec: { ...doc.spec, tools } }, identity).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/inputSchema/properties/message/pattern', details: { code: 'UNSUPPORTED_PATTERN' } });
  });
});

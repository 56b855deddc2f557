import { describe, expect, it } from '@jest/globals';
import { toBinary, create } from '@bufbuild/protobuf';
import { ValidateBlueprintReplySchema } from '@af/contracts';
import { DIALECT_CASES, REDOS_CASES, UNSUPPORTED_PATTERNS } from '@af/blueprint-format/testing';
import { CONFIGURED_PROVIDERS, validBlueprint } from '../test/blueprint.builder.js';
import { BlueprintValidator } from './blueprint-validator.js';
import { MAX_LISTED, type Report } from './findings.js';

/** Tests poke into the document freely; the validator itself takes `unknown`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const sut = new BlueprintValidator(CONFIGURED_PROVIDERS);
const caller = { subject: 'dev@acme', roles: ['Developer'], permissions: [] };

function timed(change: (doc: Doc) => void): { report: Report; ms: number } {
  const doc: Doc = validBlueprint();
  change(doc);
  const started = performance.now();
  const report = sut.validate(doc, caller);
  return { report, ms: performance.now() - started };
}

const codes = (report: Report) => report.errors.map((f) => f.code);

describe('bounded cost of validation', () => {
  it.each(REDOS_CASES.map((c) => [c.pattern, c.input] as const))(
    'checks evals against an output schema with pattern %s within 100 ms (RE2, no backtracking)',
    (pattern, input) => {
      sut.validate(validBlueprint(), caller); // warm: the blueprint schema and ajv are compiled once per process
      const { report, ms } = timed((d) => {
        d.spec.tools[0].inputSchema = { type: 'object', properties: { message: { type: 'string', pattern } } };
        d.spec.output.schema = { type: 'object', properties: { label: { type: 'string', pattern } }, patternProperties: { [pattern]: { type: 'string' } } };
        d.spec.evals = [{ name: 'redos', input: { message: input }, expect: { label: input, [input]: 'x' } }];
      });
      expect(ms).toBeLessThan(100);
      expect(report.errors.map((f) => [f.code, f.path])).toEqual([['EVAL_EXPECT_MISMATCH', '/spec/evals/0/expect/label']]);
    },
  );

  it.each(UNSUPPORTED_PATTERNS.map((p) => [p]))('refuses the pattern %s (not expressible in RE2) with the path of the pattern', (pattern) => {
    const { report } = timed((d) => {
      d.spec.tools[0].inputSchema = { type: 'object', properties: { message: { type: 'string', pattern } } };
      d.spec.output.schema = { type: 'object', patternProperties: { [pattern]: { type: 'string' } } };
    });
    const escaped = pattern.replace(/~/g, '~0').replace(/\//g, '~1');
    expect(report.errors.map((f) => [f.code, f.path])).toEqual([
      ['UNSUPPORTED_PATTERN', '/spec/tools/0/inputSchema/properties/message/pattern'],
      ['UNSUPPORTED_PATTERN', `/spec/output/schema/patternProperties/${escaped}`],
    ]);
    expect(report.errors[0]!.message).toContain('RE2');
  });

  it('validates a 100 000-character prompt of "{{" within 200 ms, lists capped findings and counts the rest', () => {
    sut.validate(validBlueprint(), caller);
    const { report, ms } = timed((d) => (d.spec.prompt.user = '{{'.repeat(50_000)));
    expect(ms).toBeLessThan(200);
    const malformed = report.errors.filter((f) => f.code === 'MALFORMED_TEMPLATE');
    expect(malformed.length).toBeGreaterThan(1);
    expect(malformed.length).toBeLessThanOrEqual(21);
    expect(malformed.at(-1)!.message).toMatch(/has \d+ more template problem\(s\) not listed/);
    // The reply stays far below a NATS message (1 MiB).
    const reply = toBinary(ValidateBlueprintReplySchema, create(ValidateBlueprintReplySchema, { report, cached: false }));
    expect(reply.byteLength).toBeLessThan(64 * 1024);
  });

  it('refuses {{a-b}} as a template reference', () => {
    const { report } = timed((d) => (d.spec.prompt.user = 'Lead: {{a-b}}'));
    expect(report.errors.map((f) => [f.code, f.path])).toEqual([['MALFORMED_TEMPLATE', '/spec/prompt/user']]);
  });

  it(`lists at most ${MAX_LISTED.errors} errors and counts the rest in omitted (still invalid)`, () => {
    const { report } = timed((d) => {
      d.spec.prompt.user = Array.from({ length: 400 }, (_, i) => `{{ undefined_${i} }}`).join(' ');
    });
    expect(report.valid).toBe(false);
    expect(report.errors).toHaveLength(MAX_LISTED.errors);
    expect(report.suggestions.length).toBeLessThanOrEqual(MAX_LISTED.suggestions);
    expect(report.omitted).toBeGreaterThanOrEqual(300);
  });
});

describe('one JSON Schema dialect: what validation accepts in an eval, the runtime accepts', () => {
  it.each(DIALECT_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const value of c.accepts) {
      const { report } = timed((d) => {
        d.spec.output.schema = c.schema;
        d.spec.evals = [{ name: 'case', input: {}, expect: value }];
      });
      expect({ value, errors: codes(report) }).toEqual({ value, errors: [] });
    }
    for (const value of c.rejects) {
      const { report } = timed((d) => {
        d.spec.output.schema = c.schema;
        d.spec.evals = [{ name: 'case', input: {}, expect: value }];
      });
      expect({ value, errors: codes(report) }).toEqual({ value, errors: ['EVAL_EXPECT_MISMATCH'] });
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validBlueprint } from '../test/blueprint.builder.js';
import { BlueprintValidator } from './blueprint-validator.js';

/** Tests poke into the document freely; the validator itself takes `unknown`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const blueprint = (): Doc => validBlueprint();


const sut = new BlueprintValidator();
const caller = { subject: 's', roles: [], permissions: [] };

/** Replaces the value at a random path of the reference blueprint. */
function mutate(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  copy[key] = mutate((doc as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

describe('the validator is total', () => {
  it('returns a well-formed report for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const report = sut.validate(value, caller);
        expect(typeof report.valid).toBe('boolean');
        expect(report.valid).toBe(report.errors.length === 0);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a report when any part of a real blueprint is replaced by any JSON value', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        const report = sut.validate(mutate(blueprint(), path, value), caller);
        for (const finding of [...report.errors, ...report.warnings]) {
          expect(finding.code).not.toBe('RULE_FAILED');
          expect(finding.code).not.toBe('VALIDATOR_FAILED');
          expect(finding.path === '' || finding.path.startsWith('/')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('handles strings that look like code, templates and cron', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const doc = blueprint();
        doc.spec.tools[0].code = text;
        doc.spec.prompt.user = text;
        doc.spec.triggers[1].cron = text;
        doc.spec.triggers[2].subject = text;
        doc.spec.actions.requireApproval = [text];
        const report = sut.validate(doc, caller);
        expect(report.errors.map((f) => f.code)).not.toContain('RULE_FAILED');
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mutatedBlueprint, nearValidBlueprint } from '@af/testing';
import { BlueprintValidator } from './blueprint-validator.js';
import type { Finding, Report } from './findings.js';

const sut = new BlueprintValidator();
const callers = fc.constantFrom(
  { subject: 'dev', roles: ['Developer'], permissions: [] },
  { subject: 'admin', roles: ['Administrator'], permissions: ['CrossOrgAccess'] },
  {},
);

const TIERS = new Set(['schema', 'semantic', 'policy']);
const POINTER = /^(\/([^~]|~[01])*)*$/;

/** Every field present and typed, paths are JSON Pointers, severities match their list, valid iff no errors. */
function expectWellFormed(report: Report): void {
  expect(typeof report.valid).toBe('boolean');
  expect(report.valid).toBe(report.errors.length === 0);
  const check = (f: Finding, severity: string) => {
    expect(TIERS.has(f.tier)).toBe(true);
    expect(f.code).toMatch(/^[A-Z][A-Z_]+$/);
    expect(f.path).toMatch(POINTER);
    expect(typeof f.message).toBe('string');
    expect(f.message.length).toBeGreaterThan(0);
    expect(f.severity).toBe(severity);
    expect(['RULE_FAILED', 'VALIDATOR_FAILED']).not.toContain(f.code);
  };
  for (const f of report.errors) check(f, 'error');
  for (const f of report.warnings) check(f, 'warning');
  for (const s of report.suggestions) {
    expect(s.path).toMatch(POINTER);
    expect(typeof s.message).toBe('string');
    if (s.replacementJson !== '') expect(() => JSON.parse(s.replacementJson) as unknown).not.toThrow();
  }
  expect(() => JSON.stringify(report)).not.toThrow();
}

describe('property: the validator is total over generated and mutated blueprints', () => {
  it('never throws and always returns a well-formed report (10 000 mutated blueprints)', () => {
    let invalid = 0;
    fc.assert(
      fc.property(mutatedBlueprint, callers, (doc, caller) => {
        let report: Report | undefined;
        expect(() => (report = sut.validate(doc, caller))).not.toThrow();
        expectWellFormed(report!);
        if (!report!.valid) invalid++;
      }),
      { numRuns: 10_000 },
    );
    // The generator produces both outcomes, not just noise.
    expect(invalid).toBeGreaterThan(1_000);
    expect(invalid).toBeLessThan(10_000);
  }, 180_000);

  it('accepts the unmutated generator output often (it is near-valid, not random)', () => {
    const reports = fc.sample(nearValidBlueprint, { numRuns: 300, seed: 42 }).map((doc) => sut.validate(doc, { roles: ['Administrator'], permissions: ['CrossOrgAccess'] }));
    for (const report of reports) expectWellFormed(report);
    expect(reports.filter((r) => r.valid).length).toBeGreaterThan(10);
    // No schema errors from the generator's own shapes, except the values it varies on purpose.
    const schemaCodes = new Set(reports.flatMap((r) => r.errors.filter((e) => e.tier === 'schema').map((e) => e.code)));
    expect([...schemaCodes].every((c) => ['SCHEMA_PATTERN', 'SCHEMA_LENGTH', 'SCHEMA_TYPE', 'SCHEMA_INVALID'].includes(c))).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { draftName, problemsOf, reportFromDetails, type Report } from './problems.js';
import { NEW_AGENT_TEMPLATE } from './template.js';
import { parse } from 'yaml';

const source = ['metadata:', '  name: demo', 'spec:', '  prompt:', '    system: "Hi {{compny}}"', '  model:', '    route: [offline/default]', ''].join('\n');

describe(problemsOf.name, () => {
  it('places each finding at its line, with the suggestions for its path, sorted by line', () => {
    const report: Report = {
      valid: false,
      errors: [
        { tier: 'semantic', code: 'UNDEFINED_VARIABLE', path: '/spec/prompt/system', message: 'undefined variable compny', severity: 'error' },
        { tier: 'schema', code: 'REQUIRED', path: '/spec/goal', message: 'goal is required', severity: 'error' },
      ],
      warnings: [{ tier: 'semantic', code: 'NO_COST_CAP', path: '/spec/model/route', message: 'no cost cap', severity: 'warning' }],
      suggestions: [{ path: '/spec/prompt/system', message: 'did you mean {{company}}?', replacement: 'company' }],
      omitted: 0,
    };
    const problems = problemsOf(source, report);
    expect(problems.map((p) => [p.line, p.severity, p.code, p.approximate])).toEqual([
      [3, 'error', 'REQUIRED', true],
      [5, 'error', 'UNDEFINED_VARIABLE', false],
      [7, 'warning', 'NO_COST_CAP', false],
    ]);
    expect(problems[1]).toMatchObject({ suggestions: ['did you mean {{company}}?'], column: 5 });
  });

  it('puts a finding whose source does not parse at line 1', () => {
    const problems = problemsOf(': : :\n\t- [', { valid: false, errors: [{ tier: 'parse', code: 'X', path: '/a/b', message: 'm', severity: 'error' }], warnings: [], suggestions: [], omitted: 0 });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(1);
  });
});

describe(reportFromDetails.name, () => {
  it('reads a refused save’s details as a report and refuses anything else', () => {
    expect(reportFromDetails({ errors: [], warnings: [], suggestions: [] })).toEqual({ valid: false, errors: [], warnings: [], suggestions: [], omitted: 0 });
    expect(reportFromDetails({ errors: 'x' })).toBeUndefined();
    expect(reportFromDetails(null)).toBeUndefined();
  });
});

describe('the new-agent template', () => {
  it('is YAML with a name, a model route and an output schema', () => {
    const doc = parse(NEW_AGENT_TEMPLATE) as { spec: { model: { route: string[] }; output: unknown } };
    expect(draftName(doc)).toBe('my-agent');
    expect(doc.spec.model.route).toEqual(['offline/default']);
    expect(doc.spec.output).toBeDefined();
  });
});

import { describe, expect, it } from '@jest/globals';
import { painter } from './format.js';
import { renderValidationReport, type ValidationReport } from './validation-report.render.js';

const yaml = `apiVersion: agentfactory.io/v1
kind: AgentBlueprint
metadata:
  name: lead-qualifier
spec:
  goal: Qualify leads
  tools:
    - name: score_lead
      scope: global
  prompt: {system: "Hi {{company}}"}
`;

describe(renderValidationReport.name, () => {
  const report: ValidationReport = {
    valid: false,
    errors: [{ tier: 'schema', code: 'SCHEMA_ENUM', path: '/spec/tools/0/scope', message: 'must be one of internal, external, realWorld', severity: 'error' }],
    warnings: [{ tier: 'semantic', code: 'NO_MODEL', path: '/spec/model', message: 'no model route', severity: 'warning' }],
    suggestions: [
      { path: '/spec/tools/0/scope', message: 'did you mean `internal`?', replacement: 'internal' },
      { path: '/spec/prompt/system', message: 'declare company under prompt.variables' },
    ],
    omitted: 0,
  };

  it('prints each problem at file:line:column with its YAML line, a caret under the field and its suggestion', () => {
    const text = renderValidationReport(report, { file: 'bp.yaml', text: yaml }, painter(false));
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('bp.yaml:9:7: error must be one of internal, external, realWorld [schema SCHEMA_ENUM] (at /spec/tools/0/scope)'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe('  9 |       scope: global');
    // The caret sits under the `s` of `scope` (column 7).
    expect(lines[at + 2]).toBe('    |       ^');
    expect(lines[at + 3]).toBe('  suggestion: did you mean `internal`?');
  });

  it('points a missing field at its nearest parent, and prints suggestions with no problem at their own line', () => {
    const text = renderValidationReport(report, { file: 'bp.yaml', text: yaml }, painter(false));
    expect(text).toContain('bp.yaml:5:1: warning no model route [semantic NO_MODEL] (at /spec/model, near)');
    expect(text).toContain('bp.yaml:10:12: suggestion: declare company under prompt.variables (at /spec/prompt/system)');
    expect(text.split('\n').at(-1)).toBe('bp.yaml: invalid — 1 error, 1 warning');
  });

  it('colours only when asked', () => {
    expect(renderValidationReport(report, { file: 'bp.yaml', text: yaml }, painter(true))).toMatch(/\u001b\[31merror/);
  });
});

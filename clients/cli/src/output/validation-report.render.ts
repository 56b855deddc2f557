import { locateYamlPath, type components } from '@af/api-client';
import type { Painter } from './format.js';

export type ValidationReport = components['schemas']['ValidationReport'];
type Problem = ValidationReport['errors'][number];
type Suggestion = ValidationReport['suggestions'][number];

/** Where the report's blueprint came from: its file name (for `file:line:column`) and its text. */
export interface ReportSource {
  file: string;
  text: string;
}

/**
 * The report as a compiler would print it: per problem `file:line:column`, the severity, tier and
 * code, the message, the offending YAML line with a caret under the field, and the suggestion made
 * for that path (if any). Suggestions for paths with no problem follow at the end.
 */
export function renderValidationReport(report: ValidationReport, source: ReportSource, colors: Painter): string {
  const lines: string[] = [];
  const suggestions = [...report.suggestions];
  const takeSuggestions = (path: string): Suggestion[] => {
    const mine = suggestions.filter((s) => s.path === path);
    for (const s of mine) suggestions.splice(suggestions.indexOf(s), 1);
    return mine;
  };
  const problems: Array<[Problem, 'error' | 'warning']> = [
    ...report.errors.map((p) => [p, 'error'] as [Problem, 'error']),
    ...report.warnings.map((p) => [p, 'warning'] as [Problem, 'warning']),
  ];
  for (const [problem, severity] of problems) {
    lines.push(...renderAt(source, problem.path, `${colors.paint(severity === 'error' ? 'red' : 'yellow', severity)} ${problem.message} ${colors.paint('dim', `[${problem.tier} ${problem.code}]`)}`, colors));
    for (const s of takeSuggestions(problem.path)) lines.push(`  ${colors.paint('green', 'suggestion:')} ${s.message}`);
  }
  for (const s of suggestions) lines.push(...renderAt(source, s.path, `${colors.paint('green', 'suggestion:')} ${s.message}`, colors));
  if (report.omitted > 0) lines.push(`… ${report.omitted} more finding(s) left out of the report`);
  const errors = report.errors.length;
  const warnings = report.warnings.length;
  lines.push(`${source.file}: ${report.valid ? 'valid' : 'invalid'} — ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/**
 * `file:line:column: headline`, then the YAML line with a gutter and a caret under the column.
 * A path that is not in the file (a missing field) points at its nearest parent, marked `(near)`.
 */
export function renderAt(source: ReportSource, path: string, headline: string, colors: Painter): string[] {
  const position = locateYamlPath(source.text, path);
  if (!position) return [`${source.file}: ${headline} (at ${path || '/'})`];
  const { line, column, approximate } = position;
  const text = source.text.split(/\r?\n/)[line - 1] ?? '';
  const gutter = String(line).length;
  return [
    `${colors.paint('bold', `${source.file}:${line}:${column}`)}: ${headline} (at ${path || '/'}${approximate ? ', near' : ''})`,
    `  ${String(line).padStart(gutter)} | ${text}`,
    `  ${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, column - 1))}${colors.paint('red', '^')}`,
  ];
}

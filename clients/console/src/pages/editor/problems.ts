import { locateYamlPath } from '@af/api-client';

/** One finding of a validation report (`POST /v1/validate`, or a refused save's `details`). */
export interface Finding {
  tier: string;
  code: string;
  path: string;
  message: string;
  severity: string;
}

export interface Suggestion {
  path: string;
  message: string;
  replacement?: unknown;
}

export interface Report {
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  suggestions: Suggestion[];
  omitted: number;
}

/** A finding placed in the source: what the problem list shows and the editor marks. */
export interface Problem {
  severity: 'error' | 'warning';
  tier: string;
  code: string;
  path: string;
  message: string;
  /** The suggestions the report gives for the same path. */
  suggestions: string[];
  line: number;
  column: number;
  /** The path names a field that is not in the source: the position is its nearest parent's. */
  approximate: boolean;
}

/**
 * The report's errors and warnings, each at its line in `source` (located from its JSON Pointer
 * path), with the suggestions for the same path; sorted by line, errors first on a line.
 */
export function problemsOf(source: string, report: Report): Problem[] {
  const suggestionsAt = new Map<string, string[]>();
  for (const suggestion of report.suggestions) {
    const list = suggestionsAt.get(suggestion.path) ?? [];
    list.push(suggestion.message);
    suggestionsAt.set(suggestion.path, list);
  }
  const place = (finding: Finding, severity: Problem['severity']): Problem => {
    const at = locateYamlPath(source, finding.path);
    return {
      severity,
      tier: finding.tier,
      code: finding.code,
      path: finding.path,
      message: finding.message,
      suggestions: suggestionsAt.get(finding.path) ?? [],
      line: at?.line ?? 1,
      column: at?.column ?? 1,
      approximate: at?.approximate ?? true,
    };
  };
  const problems = [...report.errors.map((f) => place(f, 'error')), ...report.warnings.map((f) => place(f, 'warning'))];
  return problems.sort((a, b) => a.line - b.line || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || a.column - b.column);
}

/** A refused save's report (422 VALIDATION_FAILED carries it in `details`), else undefined. */
export function reportFromDetails(details: unknown): Report | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const d = details as Partial<Report>;
  if (!Array.isArray(d.errors) || !Array.isArray(d.warnings)) return undefined;
  return { valid: false, errors: d.errors, warnings: d.warnings, suggestions: Array.isArray(d.suggestions) ? d.suggestions : [], omitted: typeof d.omitted === 'number' ? d.omitted : 0 };
}

/** `metadata.name` of a YAML draft, read without a full parse failing the page (undefined when absent or not YAML). */
export function draftName(document: unknown): string | undefined {
  const name = (document as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

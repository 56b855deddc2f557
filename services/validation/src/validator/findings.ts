/** What the validator reports; mirrors af.v1.ValidationReport as plain JSON. */
export type Tier = 'schema' | 'semantic' | 'policy';
export type Severity = 'error' | 'warning';

export interface Finding {
  tier: Tier;
  code: string;
  /** JSON Pointer into the blueprint. */
  path: string;
  message: string;
  severity: Severity;
}

export interface Suggestion {
  path: string;
  message: string;
  /** A replacement value as JSON, '' when none is known. */
  replacementJson: string;
}

export interface Report {
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  suggestions: Suggestion[];
  /** Findings and suggestions found beyond the caps below and not listed (0 when all are). */
  omitted: number;
}

/**
 * A report lists at most this many errors, warnings and suggestions (each); the rest are counted
 * in `omitted`. A hostile document (a 100 k-character template of `{{`, thousands of tools) then
 * still gets a reply far below a NATS message (~100 bytes to ~1 KiB per finding → < 1 MiB).
 */
export const MAX_LISTED = { errors: 100, warnings: 100, suggestions: 100 } as const;

/** Who asks: the policy tier depends on it. */
export interface PolicyCaller {
  subject: string;
  roles: readonly string[];
  permissions: readonly string[];
}

/** Collects findings of all tiers; duplicates (same tier, code, path and message) are kept once; lists capped (MAX_LISTED). */
export class Findings {
  private readonly errors: Finding[] = [];
  private readonly warnings: Finding[] = [];
  private readonly suggestions: Suggestion[] = [];
  private readonly seen = new Set<string>();
  private errorsFound = 0;
  private omitted = 0;

  error(tier: Tier, code: string, path: string, message: string): void {
    this.add({ tier, code, path, message, severity: 'error' });
  }

  warn(tier: Tier, code: string, path: string, message: string): void {
    this.add({ tier, code, path, message, severity: 'warning' });
  }

  suggest(path: string, message: string, replacement?: unknown): void {
    const key = `s\u0000${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.suggestions.length >= MAX_LISTED.suggestions) {
      this.omitted++;
      return;
    }
    this.suggestions.push({ path, message, replacementJson: replacement === undefined ? '' : JSON.stringify(replacement) });
  }

  hasErrorAt(path: string): boolean {
    return this.errors.some((f) => f.path === path);
  }

  /** An error at `path` or inside it (e.g. the schema tier already refused one of its fields). */
  hasErrorWithin(path: string): boolean {
    return this.errors.some((f) => f.path === path || f.path.startsWith(`${path}/`));
  }

  report(): Report {
    return { valid: this.errorsFound === 0, errors: [...this.errors], warnings: [...this.warnings], suggestions: [...this.suggestions], omitted: this.omitted };
  }

  private add(finding: Finding): void {
    const key = `${finding.tier}\u0000${finding.code}\u0000${finding.path}\u0000${finding.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const list = finding.severity === 'error' ? this.errors : this.warnings;
    if (finding.severity === 'error') this.errorsFound++;
    if (list.length >= (finding.severity === 'error' ? MAX_LISTED.errors : MAX_LISTED.warnings)) {
      this.omitted++;
      return;
    }
    list.push(finding);
  }
}

/** Builds a JSON Pointer (RFC 6901) from segments. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `/spec/tools/0/scope` → `spec.tools[0].scope`: how messages name a field. */
export function humanPath(path: string): string {
  const parts = pointerSegments(path);
  if (parts.length === 0) return 'the document';
  let out = '';
  for (const part of parts) {
    if (/^(0|[1-9][0-9]*)$/.test(part)) out += `[${part}]`;
    else if (IDENT.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

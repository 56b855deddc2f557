// Types of checker.mjs (plain ESM so the e2e spec and the unit tests load the same file without a build).
export interface Query {
  kind: 'panel' | 'alert';
  /** The dashboard JSON or rule file. */
  file: string;
  /** Dashboard title, or the rule group. */
  dashboard: string;
  /** Panel title, or the alert (record) name. */
  title: string;
  refId: string;
  expr: string;
}
export interface QueryResult {
  status: string;
  error?: string;
  series: number;
}
export function substituteVariables(expr: string): string;
export function loadPanelQueries(dir: string): Query[];
export function loadAlertExprs(dir: string): Query[];
export function metricNames(expr: string): string[];
export function isKnown(name: string, known: ReadonlySet<string>): boolean;
export function judge(query: Query, result: QueryResult, known: ReadonlySet<string>): string[];
export function checkQueries(queries: readonly Query[], evaluate: (expr: string) => Promise<QueryResult>, known: ReadonlySet<string>): Promise<string[]>;
export function describe(query: Query): string;
export function registeredMetricNames(roots: readonly string[]): Set<string>;

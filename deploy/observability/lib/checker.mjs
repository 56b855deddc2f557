// The dashboards' and alert rules' queries, and the judgement of what Prometheus answers for them.
// Used by the live check (e2e/src/observability.e2e-spec.ts, against the running mesh) and by the
// unit tests (test/checker.spec.mjs, without Prometheus). Plain ESM: no build step, so the e2e
// spec and Jest load the same file (types in checker.d.mts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Grafana's interval variables, as Prometheus gets them from a dashboard. */
const GRAFANA_VARIABLES = { __rate_interval: '1m', __interval: '15s', __range: '1h' };

/** Replaces Grafana variables ($__rate_interval, ${x}) with values Prometheus accepts. */
export function substituteVariables(expr) {
  return expr.replace(/\$\{?(\w+)\}?/g, (_, name) => GRAFANA_VARIABLES[name] ?? '.+');
}

/** Every panel (rows' panels too) of every dashboard JSON in `dir`: one entry per query target. */
export function loadPanelQueries(dir) {
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const walk = (panels) => {
      for (const panel of panels ?? []) {
        if (panel.type === 'row') { walk(panel.panels); continue; }
        const targets = panel.targets ?? [];
        if (targets.length === 0) out.push({ kind: 'panel', file, dashboard: dashboard.title, title: panel.title, refId: '', expr: '' });
        for (const t of targets) out.push({ kind: 'panel', file, dashboard: dashboard.title, title: panel.title, refId: t.refId ?? '', expr: t.expr ?? '' });
      }
    };
    walk(dashboard.panels);
  }
  return out;
}

/** Every alerting and recording rule of every rule file (*.yml, *.yaml) in `dir`. */
export function loadAlertExprs(dir) {
  const out = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const doc = parse(readFileSync(join(dir, file), 'utf8'));
    for (const group of doc?.groups ?? []) {
      for (const rule of group.rules ?? []) out.push({ kind: 'alert', file, dashboard: group.name, title: rule.alert ?? rule.record, refId: '', expr: String(rule.expr ?? '') });
    }
  }
  return out;
}

/**
 * The metric names a query reads: our own (af_*) and Prometheus' `up`. Quoted strings (label
 * values) are left out; histogram series (_bucket, _sum, _count) name their family.
 */
export function metricNames(expr) {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const names = new Set();
  for (const m of bare.matchAll(/(?<![\w:])(af_[A-Za-z0-9_:]+|up)(?![\w:(])/g)) names.add(m[1]);
  return [...names].sort();
}

/** Whether `name` (or its histogram family) is among the `known` metric names. */
export function isKnown(name, known) {
  return known.has(name) || known.has(name.replace(/_(bucket|sum|count)$/, ''));
}

/**
 * What is wrong with one query: Prometheus refused it, a panel query gave no series, or it names a
 * metric nobody exports. `result` is Prometheus' /api/v1/query answer reduced to status, error and
 * the number of series; `known`, every metric name the scraped services export (series or metadata).
 * Alert expressions need only parse and name exported metrics (an alert that does not fire has no series).
 */
export function judge(query, result, known) {
  const problems = [];
  if (!query.expr.trim()) problems.push('has no query');
  else if (result.status !== 'success') problems.push(`Prometheus refused the query: ${result.error ?? result.status}`);
  else if (query.kind === 'panel' && result.series === 0) problems.push('returns no series');
  const unknown = metricNames(query.expr).filter((n) => !isKnown(n, known));
  if (unknown.length) problems.push(`names metrics no scraped service exports: ${unknown.join(', ')}`);
  return problems;
}

/** Judges every query through `evaluate` (expr → result); returns one line per failing query, all of them. */
export async function checkQueries(queries, evaluate, known) {
  const failures = [];
  for (const query of queries) {
    const result = query.expr.trim() ? await evaluate(substituteVariables(query.expr)) : { status: 'success', series: 0 };
    for (const problem of judge(query, result, known)) failures.push(`${describe(query)}: ${problem}\n    ${query.expr}`);
  }
  return failures;
}

export function describe(query) {
  return query.kind === 'panel'
    ? `dashboard ${query.file} panel "${query.title}"${query.refId ? ` (${query.refId})` : ''}`
    : `rules ${query.file} ${query.dashboard}/${query.title}`;
}

/**
 * The metric names the sources register (`metrics.counter|histogram|gauge('af_…'`) under `roots`
 * (services/x/src, libs/x/src), without spec files: the offline counterpart of Prometheus' list.
 */
export function registeredMetricNames(roots) {
  const names = new Set();
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) { if (entry.name !== 'node_modules' && entry.name !== 'dist') visit(path); continue; }
      if (!/\.ts$/.test(entry.name) || /\.(int-)?spec\.ts$/.test(entry.name)) continue;
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/\b(?:metrics\.|this\.)(?:counter|histogram|gauge)\(\s*'(af_[a-z0-9_]+)'/g)) names.add(m[1]);
    }
  };
  for (const root of roots) visit(root);
  return names;
}

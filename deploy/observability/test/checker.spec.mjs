// The checker without Prometheus: it finds every panel's and rule's query, every metric they name is
// registered by some service (offline counterpart of the live check), and its judgement reports a
// wrong metric name, a query Prometheus refuses and a panel with no series.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { checkQueries, judge, loadAlertExprs, loadPanelQueries, metricNames, registeredMetricNames, substituteVariables } from '../lib/checker.mjs';

const here = resolve(import.meta.dirname, '..');
const root = resolve(here, '../..');
const dashboards = join(here, 'grafana/dashboards');
const rules = join(here, 'prometheus/rules');

/** What the services export: their registrations plus prom-client's defaults (prefix af_). */
async function exported() {
  const dirs = ['services', 'libs'].flatMap((top) => readdirSync(join(root, top)).map((d) => join(root, top, d, 'src'))).filter((d) => { try { return readdirSync(d).length > 0; } catch { return false; } });
  const names = registeredMetricNames(dirs);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'af_' });
  for (const m of await registry.getMetricsAsJSON()) names.add(m.name);
  names.add('up');
  return names;
}

describe('dashboards and alert rules', () => {
  it('finds every panel query of every dashboard (rows included), each panel with a datasource by variable', () => {
    const queries = loadPanelQueries(dashboards);
    for (const file of readdirSync(dashboards).filter((f) => f.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(join(dashboards, file), 'utf8'));
      const targets = json.panels.flatMap((p) => p.targets ?? []);
      expect(queries.filter((q) => q.file === file).map((q) => q.expr)).toEqual(targets.map((t) => t.expr));
      expect(json.templating.list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'datasource', type: 'datasource' })]));
      for (const p of json.panels) expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(new Set(queries.map((q) => q.file)).size).toBe(6);
    expect(queries.every((q) => q.expr.length > 0)).toBe(true);
  });

  it('finds the queries of panels inside rows and reports a panel without a query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'af-dash-'));
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ title: 'D', panels: [{ type: 'row', title: 'r', panels: [{ type: 'timeseries', title: 'inner', targets: [{ refId: 'A', expr: 'up' }] }] }, { type: 'stat', title: 'empty' }] }));
    const queries = loadPanelQueries(dir);
    expect(queries.map((q) => q.title)).toEqual(['inner', 'empty']);
    const failures = await checkQueries(queries, async () => ({ status: 'success', series: 1 }), new Set(['up']));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/panel "empty".*has no query/);
  });

  it('names only metrics the services register, in every panel and every alert', async () => {
    const known = await exported();
    const queries = [...loadPanelQueries(dashboards), ...loadAlertExprs(rules)];
    expect(loadAlertExprs(rules).length).toBeGreaterThanOrEqual(20);
    const unknown = queries.flatMap((q) => metricNames(q.expr).filter((n) => !known.has(n) && !known.has(n.replace(/_(bucket|sum|count)$/, ''))).map((n) => `${q.file} "${q.title}": ${n}`));
    expect(unknown).toEqual([]);
  });

  it('reports a panel naming a metric nobody exports, a refused query and a panel without series — all at once', async () => {
    const known = new Set(['af_runs_finished_total', 'up']);
    const queries = [
      { kind: 'panel', file: 'x.json', dashboard: 'X', title: 'good', refId: 'A', expr: 'sum by (status) (rate(af_runs_finished_total[$__rate_interval]))' },
      { kind: 'panel', file: 'x.json', dashboard: 'X', title: 'typo', refId: 'A', expr: 'sum(rate(af_runs_finishd_total[5m])) or on() vector(0)' },
      { kind: 'panel', file: 'x.json', dashboard: 'X', title: 'empty', refId: 'B', expr: 'af_runs_finished_total{status="nope"}' },
      { kind: 'alert', file: 'r.yml', dashboard: 'g', title: 'Broken', refId: '', expr: 'sum(' },
      { kind: 'alert', file: 'r.yml', dashboard: 'g', title: 'Quiet', refId: '', expr: 'af_runs_finished_total > 1e9' },
    ];
    const answers = { good: { status: 'success', series: 2 }, typo: { status: 'success', series: 1 }, empty: { status: 'success', series: 0 }, Broken: { status: 'error', error: 'parse error', series: 0 }, Quiet: { status: 'success', series: 0 } };
    const seen = [];
    const failures = await checkQueries(queries, async (expr) => { seen.push(expr); return answers[queries[seen.length - 1].title]; }, known);
    expect(seen[0]).toBe('sum by (status) (rate(af_runs_finished_total[1m]))');
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/panel "typo".*no scraped service exports: af_runs_finishd_total/);
    expect(failures[1]).toMatch(/panel "empty" \(B\): returns no series/);
    expect(failures[2]).toMatch(/rules r.yml g\/Broken: Prometheus refused the query: parse error/);
  });

  it('reads metric names, not label values or functions; histogram series count as their family', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(af_run_queue_seconds_bucket{x="af_fake"}[5m]))) / up')).toEqual(['af_run_queue_seconds_bucket', 'up']);
    expect(judge({ kind: 'panel', file: 'f', dashboard: 'd', title: 't', refId: 'A', expr: 'af_run_queue_seconds_bucket' }, { status: 'success', series: 1 }, new Set(['af_run_queue_seconds']))).toEqual([]);
    expect(substituteVariables('rate(x[$__rate_interval]) {s=~"${service}"}')).toBe('rate(x[1m]) {s=~".+"}');
  });
});

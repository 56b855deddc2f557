import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { defaultHttpPorts, serviceNames } from '@af/contracts';
// eslint-disable-next-line @nx/enforce-module-boundaries -- deploy/observability is configuration, not a package: its checker is plain ESM beside the files it checks
import { checkQueries, loadAlertExprs, loadPanelQueries, type QueryResult } from '../../deploy/observability/lib/checker.mjs';
import { api, createAndDeploy, mintToken, newTenant, until, waitForRun } from './client.js';

/**
 * Issue 14: the dashboards and alert rules (deploy/observability) proven against the running mesh.
 * A real Prometheus (on PATH with promtool: CI installs Debian's `prometheus`) scrapes the mesh's 16
 * services every second; after a few runs through the gateway every dashboard panel query must
 * return at least one series and every alert expression must parse, and no query may name a metric
 * the services do not export. All failing panels are reported at once.
 */
const observability = resolve(import.meta.dirname, '../../deploy/observability');
const rulesDir = join(observability, 'prometheus/rules');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

function needTool(name: string): void {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${name} is not on PATH: apt-get install -y prometheus (.ci/run installs it)`);
  }
}

describe('dashboards and alerts against the live mesh', () => {
  let prometheus: ChildProcess | undefined;
  let dataDir = '';
  let url = '';
  let output = '';

  const query = async (expr: string): Promise<QueryResult> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    const result = body.data?.result;
    return { status: body.status, ...(body.error ? { error: body.error } : {}), series: Array.isArray(result) ? result.length : result === undefined ? 0 : 1 };
  };

  beforeAll(async () => {
    needTool('promtool');
    needTool('prometheus');
    dataDir = mkdtempSync(join(tmpdir(), 'af-prometheus-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const targets = serviceNames.map((service) => `      - targets: ['127.0.0.1:${defaultHttpPorts[service]}']\n        labels: { service: ${service} }`).join('\n');
    const config = join(dataDir, 'prometheus.yml');
    writeFileSync(
      config,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${rulesDir}/*.yml\nscrape_configs:\n  - job_name: agent-factory\n    honor_labels: true\n    scrape_timeout: 900ms\n    static_configs:\n${targets}\n`,
    );
    execFileSync('promtool', ['check', 'config', config], { stdio: 'pipe' });
    prometheus = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dataDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4_000)));
    prometheus.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4_000)));
    const ready = await until(
      () => fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false),
      (ok) => ok,
      15_000,
      200,
    );
    if (!ready) throw new Error(`prometheus did not get ready on ${url}:\n${output}`);
  });

  afterAll(() => {
    prometheus?.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('promtool accepts every rule file and both Prometheus configs', () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.yml')).map((f) => join(rulesDir, f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    execFileSync('promtool', ['check', 'rules', ...files], { stdio: 'pipe' });
    for (const config of ['prometheus.yml', 'prometheus.local.yml']) execFileSync('promtool', ['check', 'config', join(observability, 'prometheus', config)], { stdio: 'pipe' });
  });

  it('every dashboard panel returns series and every alert expression parses, naming only exported metrics', async () => {
    // Traffic the panels show: an offline-model agent and one on the priced e2e provider (model cost).
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    await createAndDeploy(token, leadQualifier({ name: 'obs-offline' }));
    const priced = leadQualifier({ name: 'obs-priced' });
    const spec = priced.spec as Record<string, unknown>;
    spec['model'] = { route: ['e2efake/m1'], maxCostUsdPerRun: 100 };
    spec['tools'] = [];
    await createAndDeploy(token, priced);
    const runIds: string[] = [];
    for (const agent of ['obs-offline', 'obs-offline', 'obs-priced']) {
      const submitted = await api('POST', `/v1/agents/${agent}/runs`, { token, body: { input: { message: 'observability probe' } } });
      expect(submitted.status).toBe(202);
      runIds.push(String(submitted.body['runId']));
    }
    for (const runId of runIds) expect(['succeeded', 'failed']).toContain((await waitForRun(token, runId)).body['status']);

    // Every fixed target scraped, then a few more scrapes so rates over the runs have two samples.
    const scrapedUp = async (): Promise<number> => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent('sum(up{job="agent-factory"})')}`);
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1] ?? 0);
    };
    const up = await until(scrapedUp, (n) => n === serviceNames.length, 20_000, 500);
    expect(up).toBe(serviceNames.length);
    await new Promise((r) => setTimeout(r, 3_000));

    // What the scraped services export: series names plus metadata (a labelled metric with no sample yet).
    const names = (await (await fetch(`${url}/api/v1/label/__name__/values`)).json()) as { data: string[] };
    const metadata = (await (await fetch(`${url}/api/v1/metadata`)).json()) as { data: Record<string, unknown> };
    const known = new Set([...names.data, ...Object.keys(metadata.data)]);

    const queries = [...loadPanelQueries(join(observability, 'grafana/dashboards')), ...loadAlertExprs(rulesDir)];
    const failures = await checkQueries(queries, query, known);
    expect(failures).toEqual([]);

    // Prometheus loaded every rule and evaluated it without an error.
    const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.length).toBe(loadAlertExprs(rulesDir).length);
    expect(loaded.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import neo4j, { type Driver } from 'neo4j-driver';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';

const root = resolve(import.meta.dirname, '../../..');
const exec = promisify(execFile);
const pgUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const neo4jUrl = process.env['NEO4J_URL'] ?? 'bolt://127.0.0.1:7687';
// Not @af/testing: a tool project depends on contracts only (eslint depConstraints).
const fresh = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
const newTestNamespace = () => fresh('t');
async function deleteStreams(nc: NatsConnection, namespace: string) {
  const jsm = await jetstreamManager(nc);
  for (const name of [`${namespace}_AF_RUNS`, `KV_${namespace}_af_active_deployments`]) await jsm.streams.delete(name).catch(() => false);
}
const dbUrl = (name: string) => Object.assign(new URL(pgUrl), { pathname: `/${name}` }).toString();

/** Runs a script as the operator would (`npm run backup -- …`), returning its exit code and output. */
async function script(name: 'backup' | 'restore', args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [join(root, 'scripts', `${name}.mjs`), ...args], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

async function sql(url: string, text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

describe('backup and restore', () => {
  const suffix = randomUUID().slice(0, 8);
  const source = `bk_src_${suffix}`;
  const target = `bk_dst_${suffix}`;
  const ns = process.env['AF_NAMESPACE'] ?? newTestNamespace();
  const restoredNs = newTestNamespace();
  const tenant = fresh('bk-');
  const dir = mkdtempSync(join(tmpdir(), 'af-backup-'));
  const out = join(dir, 'snapshot');
  const runId = randomUUID();
  const deploymentId = randomUUID();
  const kvValue = Buffer.from(JSON.stringify({ deploymentId, version: 1 }));
  let nc: NatsConnection;
  let driver: Driver;

  beforeAll(async () => {
    // The schemas exactly as the services create them: their own migrations, into a database of this test's.
    await sql(pgUrl, `CREATE DATABASE ${source}`);
    for (const service of ['blueprints', 'deployment', 'orchestrator']) {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'services', service, 'tsconfig.app.json')], { stdio: 'pipe' });
      execFileSync(process.execPath, [join(root, 'services', service, 'dist', 'migrate.js')], { env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: dbUrl(source), LOG_LEVEL: 'warn' }, stdio: 'pipe' });
    }
    const src = dbUrl(source);
    await sql(src, `INSERT INTO blueprints.blueprints (tenant_id, name, latest_version) VALUES ($1, 'lead-qualifier', 2)`, [tenant]);
    await sql(src, `INSERT INTO deployment.deployments (id, tenant_id, agent, version, content_hash, artifact_hash, status, created_by, thresholds) VALUES ($1, $2, 'lead-qualifier', 2, 'sha256:c', 'sha256:a', 'active', 'ops', '{"errorRate":0.1}')`, [deploymentId, tenant]);
    await sql(src, `INSERT INTO orchestrator.runs (id, tenant_id, agent, version, artifact_hash, status, input, trace_id, correlation_id, deployment_id, queued_at) VALUES ($1, $2, 'lead-qualifier', 2, 'sha256:a', 'queued', '{"lead":"ada"}', 'trace-1', 'corr-1', $3, now())`, [runId, tenant, deploymentId]);

    // NATS as the orchestrator and deployment service leave it: a queued run's work item, the active deployment in the KV registry.
    nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: `${ns}_AF_RUNS`, subjects: [`${ns}.af.v1.runs.execute`], retention: 'workqueue' as never, storage: 'file' as never, duplicate_window: 600_000_000_000 });
    const h = headers();
    h.set('Nats-Msg-Id', runId);
    h.set('af-correlation-id', 'corr-1');
    await jetstream(nc).publish(`${ns}.af.v1.runs.execute`, Buffer.from(runId), { headers: h });
    const kv = await new Kvm(nc).create(`${ns}_af_active_deployments`, { history: 20 });
    await kv.put(`${tenant}.lead-qualifier`, kvValue);

    // The graph as the memory service writes it (run-graph.repository.ts).
    driver = neo4j.driver(neo4jUrl);
    await driver.executeQuery(`MERGE (a:Agent {tenant: $tenant, name: 'lead-qualifier'}) MERGE (r:Run {tenant: $tenant, id: $runId}) ON CREATE SET r.status = 'succeeded', r.version = 2, r.occurredAt = datetime('2026-11-24T20:40:20.625Z') MERGE (a)-[:RAN]->(r)`, { tenant, runId });
  }, 120_000);

  afterAll(async () => {
    await driver?.executeQuery('MATCH (n) WHERE n.tenant = $tenant DETACH DELETE n', { tenant });
    await driver?.close();
    if (nc) {
      await deleteStreams(nc, restoredNs);
      await deleteStreams(nc, ns);
      await nc.close();
    }
    for (const db of [source, target]) await sql(pgUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores the blueprints, deployments, runs, KV registry, queued work and graph into a fresh database and namespace', async () => {
    const backedUp = await script('backup', ['--out', out, '--namespace', ns, '--database-url', dbUrl(source), '--schema', 'blueprints', '--schema', 'deployment', '--schema', 'orchestrator', '--tenant', tenant]);
    expect(backedUp.out).toContain('backup written');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ namespace: ns, nats: { kv: { af_active_deployments: 1 }, messages: { AF_RUNS: 1 } }, neo4j: { nodes: 2, relationships: 1 } });
    expect(manifest.postgres.rows).toMatchObject({ 'blueprints.blueprints': 1, 'deployment.deployments': 1, 'orchestrator.runs': 1 });

    // The graph is lost (memory's tenant deletion), then everything comes back elsewhere.
    await driver.executeQuery('MATCH (n) WHERE n.tenant = $tenant DETACH DELETE n', { tenant });
    const restored = await script('restore', ['--in', out, '--namespace', restoredNs, '--database-url', dbUrl(target)]);
    expect(restored.out).toContain('restore done');

    const rows = (db: string) =>
      Promise.all([
        sql(dbUrl(db), 'SELECT * FROM blueprints.blueprints WHERE tenant_id = $1', [tenant]),
        sql(dbUrl(db), 'SELECT * FROM deployment.deployments WHERE tenant_id = $1', [tenant]),
        sql(dbUrl(db), 'SELECT * FROM orchestrator.runs WHERE tenant_id = $1', [tenant]),
      ]);
    const [blueprints, deployments, runs] = await rows(target);
    expect(blueprints).toHaveLength(1);
    expect(deployments.map((d) => [d.id, d.status, d.thresholds])).toEqual([[deploymentId, 'active', { errorRate: 0.1 }]]);
    expect(runs.map((r) => [r.id, r.status, r.input])).toEqual([[runId, 'queued', { lead: 'ada' }]]);
    expect(await rows(target)).toEqual(await rows(source));
    // The migrations bookkeeping came along: the services start on the restored database without re-running anything.
    expect(await sql(dbUrl(target), 'SELECT name FROM orchestrator.migrations ORDER BY id')).toEqual(await sql(dbUrl(source), 'SELECT name FROM orchestrator.migrations ORDER BY id'));

    const kv = await new Kvm(nc).open(`${restoredNs}_af_active_deployments`);
    expect(Buffer.from((await kv.get(`${tenant}.lead-qualifier`))!.value)).toEqual(kvValue);
    const jsm = await jetstreamManager(nc);
    const work = await jsm.streams.getMessage(`${restoredNs}_AF_RUNS`, { last_by_subj: `${restoredNs}.af.v1.runs.execute` });
    expect([Buffer.from(work!.data).toString(), work!.header?.get('Nats-Msg-Id'), work!.header?.get('af-correlation-id')]).toEqual([runId, runId, 'corr-1']);
    expect((await jsm.streams.info(`${restoredNs}_AF_RUNS`)).config.retention).toBe('workqueue');

    const graph = await driver.executeQuery('MATCH (a:Agent {tenant: $tenant})-[:RAN]->(r:Run) RETURN a.name AS agent, r.id AS id, r.version AS version, r.occurredAt AS at, labels(r) AS labels, keys(r) AS keys', { tenant });
    expect(graph.records).toHaveLength(1);
    const run = graph.records[0]!;
    expect([run.get('agent'), run.get('id'), run.get('labels'), [...run.get('keys')].sort()]).toEqual(['lead-qualifier', runId, ['Run'], ['id', 'occurredAt', 'status', 'tenant', 'version']]);
    expect(neo4j.isInt(run.get('version'))).toBe(true); // an Integer, not a Float
    expect(run.get('at').toString()).toBe('2026-11-24T20:40:20.625000000Z');

    // A second restore into the same place is refused, not merged.
    expect(await script('restore', ['--in', out, '--namespace', restoredNs, '--database-url', dbUrl(target)])).toMatchObject({ code: 2, out: expect.stringContaining('already has schema(s)') });
  }, 90_000);

  it('refuses a backup whose files were altered', async () => {
    const copy = join(dir, 'tampered');
    cpSync(out, copy, { recursive: true });
    const file = join(copy, 'nats', 'kv', 'af_active_deployments.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"revision":\d+/, '"revision":999'));
    const result = await script('restore', ['--in', copy, '--namespace', newTestNamespace(), '--database-url', dbUrl(`bk_never_${suffix}`), '--skip-neo4j']);
    expect(result).toMatchObject({ code: 2, out: expect.stringContaining('af_active_deployments.jsonl is corrupt') });
    expect(await sql(pgUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [`bk_never_${suffix}`])).toEqual([]);
  });
});

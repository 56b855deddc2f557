import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema, activeDeploymentKey, kvBuckets, parseTenantId } from '@af/contracts';
import { KvBuckets } from '@af/messaging';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, leadQualifier, startServiceProcess, testTenant, uniqueName, until, type ServiceProcess } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadPoolManagerConfig } from '../config.js';
import type { PoolState } from './pool.service.js';

const root = resolve(import.meta.dirname, '../../../..');
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BACKLOG = 40;
const MIN = 1;
const MAX = 4;

interface Tick {
  t: number;
  depth: number | null;
  workers: number;
  desired: number;
  event: string;
}

/**
 * The pool manager in this process against the test's NATS namespace, with real worker processes
 * from services/worker/dist and a real orchestrator process (runs are submitted through it and it
 * keeps their step journal; its tenant limit is raised so all of the backlog is dispatched). The
 * backlog: runs whose artifact the workers cannot fetch while the compilation service is stopped
 * (a worker holds such a run and retries the fetch in process, so it stays ack-pending, i.e. in the
 * depth); the compilation service then comes back and the workers finish the runs.
 */
describe('pool manager: scales real worker processes on the worker-runs queue depth', () => {
  const tenant = parseTenantId(testTenant());
  const schema = uniqueName('pool_compilation');
  const compilationEnv = { COMPILATION_DB_SCHEMA: schema, REDIS_KEY_PREFIX: `${schema}:`, DATABASE_URL: databaseUrl };
  const logDir = mkdtempSync(join(tmpdir(), 'af-pool-'));
  let compilation: ServiceProcess | undefined;
  let orchestrator: ServiceProcess | undefined;
  const orchestratorSchema = uniqueName('pool_orchestrator');
  let client: Awaited<ReturnType<typeof connectTestClient>>;
  let pool: RunningService | undefined;
  let url: string;
  let artifactHash: string;
  const timeline: Tick[] = [];

  const poolState = async (): Promise<PoolState> => (await fetch(`${url}/v1/pool`)).json() as Promise<PoolState>;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'services', 'worker', 'tsconfig.app.json')], { stdio: 'pipe' });
    client = await connectTestClient();
    compilation = await startServiceProcess('compilation', compilationEnv);
    const doc = leadQualifier({ name: 'pool-lead' });
    artifactHash = (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
    await compilation.stop();
    compilation = undefined;
    orchestrator = await startServiceProcess('orchestrator', { ORCHESTRATOR_DB_SCHEMA: orchestratorSchema, DATABASE_URL: databaseUrl, ORCHESTRATOR_TENANT_CONCURRENCY: String(BACKLOG) });
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    await kv.put(activeDeploymentKey(tenant, 'pool-lead'), toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd-pool-lead', agent: 'pool-lead', version: 1, artifactHash, activatedAtMs: 1n })));

    const config = loadPoolManagerConfig({
      ...process.env,
      POOL_MIN_WORKERS: String(MIN),
      POOL_MAX_WORKERS: String(MAX),
      POOL_TARGET_PER_WORKER: '5',
      POOL_POLL_MS: '250',
      POOL_SCALE_UP_STEP: '2',
      POOL_SCALE_UP_PERIOD_MS: '500',
      POOL_SCALE_DOWN_STEP: '1',
      POOL_SCALE_DOWN_PERIOD_MS: '500',
      POOL_SCALE_DOWN_STABILIZATION_MS: '3000',
      POOL_WORKER_PORT_BASE: '0',
      POOL_WORKER_LOG_DIR: logDir,
    });
    const workerEnv = { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn' };
    ({ service: pool, url } = await startTestService({ service: 'pool-manager', ...config, module: (runtime) => AppModule.forRoot(config, runtime, { cwd: root, workerEnv }) }));
  }, 120_000);

  afterAll(async () => {
    await pool?.close();
    await compilation?.stop();
    await orchestrator?.stop();
    await client?.close();
    await dropSchema(databaseUrl, schema);
    await dropSchema(databaseUrl, orchestratorSchema);
    rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  it('goes from min to more workers under a backlog and back to min after it drains, without flapping', async () => {
    // The first worker is up and has created the worker-runs consumer.
    const booted = await until(poolState, (s) => s.workers.current === MIN && s.queue?.source === 'consumer', 30_000);
    expect(booted.workers.current).toBe(MIN);
    expect(booted.queue?.source).toBe('consumer');

    const started = Date.now();
    let seenEvents = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const s = await poolState();
        const fresh = s.scalingEvents.slice(seenEvents);
        seenEvents = s.scalingEvents.length;
        timeline.push({ t: Date.now() - started, depth: s.queue?.depth ?? null, workers: s.workers.current, desired: s.workers.desired, event: fresh.map((e) => `${e.direction} ${e.current}→${e.target}: ${e.reason}`).join(' | ') });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    try {
      for (let i = 0; i < BACKLOG; i++) {
        await client.bus.request('af.v1.runs.submit', { agent: 'pool-lead', inputJson: JSON.stringify({ message: `lead ${i}` }) }, { tenantId: tenant });
      }
      timeline.push({ t: Date.now() - started, depth: null, workers: -1, desired: -1, event: `published ${BACKLOG} runs (compilation stopped: workers cannot finish them)` });

      // The compilation service comes back while the pool scales (its boot takes seconds); the
      // workers, still retrying the artifact fetch, then finish the runs.
      const restarted = startServiceProcess('compilation', compilationEnv).then((process) => {
        compilation = process;
        timeline.push({ t: Date.now() - started, depth: null, workers: -1, desired: -1, event: 'compilation service back' });
      });
      const scaled = await until(poolState, (s) => s.workers.current === MAX, 20_000);
      expect(scaled.workers.current).toBe(MAX);
      await restarted;
      const drained = await until(poolState, (s) => s.queue?.depth === 0, 40_000);
      expect(drained.queue?.depth).toBe(0);

      const back = await until(poolState, (s) => s.workers.current === MIN && s.workers.processes.length === MIN, 30_000);
      expect(back.workers).toMatchObject({ current: MIN, desired: MIN });
    } finally {
      sampling = false;
      await sampler;
      const last = await poolState();
      timeline.push({ t: Date.now() - started, depth: last.queue?.depth ?? null, workers: last.workers.current, desired: last.workers.desired, event: last.scalingEvents.slice(seenEvents).map((e) => `${e.direction} ${e.current}→${e.target}: ${e.reason}`).join(' | ') });
      console.log(
        `pool timeline (min ${MIN}, max ${MAX}, 5 per worker, poll 250 ms, up ≤ 2 per 500 ms, down 1 per 500 ms after a 3 s window)\n` +
          timeline.map((x) => `${String(x.t).padStart(6)} ms  depth ${String(x.depth ?? '-').padStart(3)}  workers ${x.workers < 0 ? '-' : x.workers}  desired ${x.desired < 0 ? '-' : x.desired}  ${x.event}`).join('\n'),
      );
    }

    const sampled = timeline.filter((x) => x.workers >= 0);
    expect(Math.max(...sampled.map((x) => x.workers))).toBe(MAX);
    expect(Math.max(...sampled.map((x) => x.desired))).toBeLessThanOrEqual(MAX);
    expect(Math.min(...sampled.map((x) => x.desired))).toBeGreaterThanOrEqual(MIN);
    const final = await poolState();
    const directions = final.scalingEvents.map((e) => e.direction);
    expect(directions.filter((d, i) => i > 0 && d !== directions[i - 1])).toHaveLength(1); // up…up, then down…down
    expect(directions[0]).toBe('up');
    expect(final.exits).toEqual({ 'scaled-down': MAX - MIN }); // graceful: none killed, none crashed

    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/af_pool_workers\{service="pool-manager"\} 1\n/);
    expect(metrics).toMatch(/af_pool_workers_desired\{service="pool-manager"\} 1\n/);
    expect(metrics).toMatch(/af_pool_queue_depth\{service="pool-manager"\} 0\n/);
    expect(metrics).toMatch(new RegExp(`af_pool_worker_exits_total\\{reason="scaled-down",service="pool-manager"\\} ${MAX - MIN}\\n`));
    expect(metrics).toMatch(/af_pool_scale_events_total\{direction="down",service="pool-manager"\} [1-9]/);
  }, 120_000);

  it('replaces a worker that dies and counts it', async () => {
    const [victim] = (await poolState()).workers.processes;
    if (victim?.pid === undefined) throw new Error('the pool has no running worker to kill');
    process.kill(victim.pid, 'SIGKILL');
    const after = await until(poolState, (s) => s.exits.crashed === 1 && s.workers.current === MIN && !s.workers.processes.some((p) => p.id === victim.id), 15_000);
    expect(after.exits.crashed).toBe(1);
    expect(after.workers.processes.map((p) => p.id)).not.toContain(victim.id);
    expect(after.workers.current).toBe(MIN);
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/af_pool_worker_exits_total\{reason="crashed",service="pool-manager"\} 1\n/);
  }, 30_000);
});

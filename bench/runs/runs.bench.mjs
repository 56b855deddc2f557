// Throughput and latency of runs (issue 13, item 1). Run: npm run bench:runs (not part of npm test).
//
// One process, one report (bench/reports/runs.md), every figure from the same run:
//   (a) raw nats.js → JetStream, (b) BullMQ, (c) pg-boss, (d) @af/messaging alone — bench/runs/queues.mjs;
//   (e) Agent Factory end to end through the gateway (a no-op offline agent);
// each with the same 1 KiB JSON input and BENCH_IN_FLIGHT (64) jobs or runs in flight (closed
// loop: the next one starts when one is finished), over BENCH_ROUNDS (3) rounds whose order of
// systems rotates each round; median and min–max per system. Then:
//   (e) open loop at 50 % of (e)'s median capacity for BENCH_OPEN_SECONDS: server-side latency
//       (finishedAt − createdAt of the run record) and client-side (submit → finished seen), p50/p99/p99.9;
//   (f) end to end with a model that answers after BENCH_MODEL_DELAY_MS (1 s): the FakeProvider of
//       @af/testing registered through AF_MODEL_PROVIDERS as e2e/src/mesh.global-setup.ts does,
//       BENCH_F_IN_FLIGHT (1 000) runs in flight, WORKER_RUN_CONCURRENCY=1000; runs/s, runs in
//       flight on the one worker process, its RSS growth;
//   (g) CPU ms per run of every service process, nats-server, PostgreSQL, Redis and Neo4j from
//       /proc/<pid>/stat over (e)'s measured windows; the mesh's idle RSS.
// The mesh: started here with `AF_SKIP_BUILD=0 bash scripts/mesh.sh up` and stopped at the end; a
// gateway already answering on :8080 is used only with BENCH_USE_RUNNING_MESH=1. Run it under
// `flock /work/tmp/mesh.lock` where others start meshes on :8080 too.
// BENCH_SYSTEMS=a,b,c,d runs only the queue systems (no mesh, no e/f/g).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { addInto, cpuDelta, cpuSnapshot, GatewayClient, mintToken, rssBytes, serviceProcesses } from './mesh.mjs';
import { payload, setupBullMq, setupMessaging, setupPgBoss, setupRawJetStream } from './queues.mjs';

const root = join(import.meta.dirname, '..', '..');
const tag = randomBytes(3).toString('hex');
// (d)'s own NATS namespace: its AF_RUNS stream and consumer never meet the mesh's.
process.env['AF_NAMESPACE'] ??= `bench-runs-${tag}`;
const NAMESPACE = process.env['AF_NAMESPACE'];

const num = (name, fallback) => Number(process.env[name] ?? fallback);
const ROUNDS = num('BENCH_ROUNDS', 3);
const IN_FLIGHT = num('BENCH_IN_FLIGHT', 64);
const QUEUE_SECONDS = num('BENCH_QUEUE_SECONDS', 8);
const E_SECONDS = num('BENCH_E_SECONDS', 20);
const WARM_SECONDS = num('BENCH_WARM_SECONDS', 2);
const OPEN_SECONDS = num('BENCH_OPEN_SECONDS', 20);
const OPEN_FRACTION = num('BENCH_OPEN_FRACTION', 0.5);
const F_SECONDS = num('BENCH_F_SECONDS', 30);
const F_IN_FLIGHT = num('BENCH_F_IN_FLIGHT', 1_000);
const MODEL_DELAY_MS = num('BENCH_MODEL_DELAY_MS', 1_000);
const WORKER_RUN_CONCURRENCY = process.env['WORKER_RUN_CONCURRENCY'] ?? '1000';
const SYSTEMS = (process.env['BENCH_SYSTEMS'] ?? 'a,b,c,d,e,f').split(',').map((s) => s.trim());
const USE_RUNNING = process.env['BENCH_USE_RUNNING_MESH'] === '1';
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const gatewayUrl = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080';
const withMesh = SYSTEMS.includes('e') || SYSTEMS.includes('f');

const cpus = os.cpus();
const loadAtStart = os.loadavg();
/** The code measured: HEAD and how many files under libs/ and services/ differ from it (the mesh is built from the working tree). */
const code = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: join(import.meta.dirname, '..', '..') }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'libs', 'services'], { cwd: join(import.meta.dirname, '..', '..') }).toString().split('\n').filter(Boolean).length;
    return `the working tree at commit ${head}${dirty ? ` with ${dirty} uncommitted file(s) under libs/ and services/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
})();
const startedAt = new Date();

// ---------------------------------------------------------------- helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const mib = (b) => b / 2 ** 20;
const log = (...args) => console.log(`[bench:runs ${((performance.now() - t00) / 1_000).toFixed(0)}s]`, ...args);
const t00 = performance.now();

/** `inFlight` loops, each starting job i only after its previous one finished, for `seconds`. */
async function closedLoop(job, { seconds, inFlight }) {
  let next = 0;
  let completed = 0;
  let inWindow = 0;
  let failed = 0;
  let lastError;
  const started = performance.now();
  const end = started + seconds * 1_000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        try {
          await job(next++);
          completed++;
          if (performance.now() <= end) inWindow++;
        } catch (error) {
          failed++;
          lastError = error;
          if (failed > 50) throw new Error(`more than 50 failed jobs; last: ${error?.message ?? error}`, { cause: error });
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  if (failed) console.warn(`  ${failed} failed (last: ${lastError?.message ?? lastError})`);
  // The rate counts what finished inside the window; the ones still in flight then are waited for (drainSeconds), not counted.
  return { completed: inWindow, drained: completed - inWindow, failed, seconds, drainSeconds: elapsed - seconds, perSecond: inWindow / seconds };
}

function sh(cmd, args, env = process.env) {
  return execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });
}

async function gatewayReady() {
  try {
    return (await fetch(`${gatewayUrl}/health/ready`, { signal: AbortSignal.timeout(1_500) })).ok;
  } catch {
    return false;
  }
}

function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------- state
const results = { rounds: [], bySystem: {}, e: {}, open: undefined, f: undefined, idle: undefined, versions: {} };
const cleanups = [];
let meshStartedHere = false;
let model;

const noop = (name) => ({
  apiVersion: 'agentfactory.io/v1',
  kind: 'AgentBlueprint',
  metadata: { name, description: 'bench:runs no-op agent: one offline model turn, no tools' },
  spec: {
    goal: 'Answer at once.',
    governance: { autonomyLevel: 'supervised' },
    triggers: [{ type: 'api' }],
    model: { route: ['offline/default'], maxCostUsdPerRun: 0.05 },
    prompt: { system: 'You answer at once.', user: 'Job {{input.id}}' },
    output: { schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
  },
});
const slow = (name) => ({
  ...noop(name),
  metadata: { name, description: 'bench:runs agent whose model answers after a delay' },
  spec: { ...noop(name).spec, model: { route: ['benchslow/m1'], maxCostUsdPerRun: 0.05 } },
});

try {
  // ---------------------------------------------------------------- versions
  results.versions.node = process.version;
  try {
    results.versions.nats = execFileSync('nats-server', ['--version']).toString().trim();
  } catch {
    results.versions.nats = 'nats-server (version unknown)';
  }
  {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    results.versions.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
    redis.disconnect();
    const pg = (await import('pg')).default;
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    results.versions.postgres = (await db.query('SHOW server_version')).rows[0].server_version;
    await db.end();
  }
  results.versions.bullmq = versionOf('bullmq');
  results.versions.pgBoss = versionOf('pg-boss');
  results.versions.natsJs = versionOf('@nats-io/jetstream');

  // ---------------------------------------------------------------- the mesh (e, f, g)
  const eTenant = `bench-runs-${tag}`;
  const fTenant = `bench-runs-f-${tag}`;
  let client;
  let fClient;
  if (withMesh) {
    const { FakeProvider } = await import('@af/testing');
    model = await FakeProvider.start('openai');
    const running = await gatewayReady();
    if (running && !USE_RUNNING) throw new Error(`a gateway already answers on ${gatewayUrl}: stop that mesh (bash scripts/mesh.sh down) or set BENCH_USE_RUNNING_MESH=1 to measure it`);
    if (!running) {
      const env = {
        ...process.env,
        AF_SKIP_BUILD: process.env['AF_SKIP_BUILD'] ?? '0',
        AF_NAMESPACE: '',
        AF_MODEL_PROVIDERS: JSON.stringify({ benchslow: { kind: 'openai', baseUrl: model.baseUrl, maxOutputTokens: 1_000, timeoutMs: 60_000, models: { m1: { inputPerMTok: 0, outputPerMTok: 0 } } } }),
        WORKER_RUN_CONCURRENCY,
        // One tenant's concurrency (default 8) must not be what limits a closed loop of IN_FLIGHT, nor (f)'s F_IN_FLIGHT.
        ORCHESTRATOR_TENANT_CONCURRENCY_OVERRIDES: `${eTenant}=${IN_FLIGHT},${fTenant}=${F_IN_FLIGHT + 100}`,
        ORCHESTRATOR_TENANT_MAX_QUEUED: String(Math.max(1_000, F_IN_FLIGHT + 100)),
      };
      delete env['AF_NAMESPACE'];
      log('starting the mesh: AF_SKIP_BUILD=0 bash scripts/mesh.sh up');
      meshStartedHere = true;
      sh('bash', ['scripts/mesh.sh', 'up'], env);
    } else {
      log(`using the mesh already running on ${gatewayUrl} (BENCH_USE_RUNNING_MESH=1)`);
    }
    // Idle: every service ready, nothing submitted yet; a few seconds for boot-time work to settle.
    await sleep(5_000);
    const services = serviceProcesses(root);
    results.idle = { services: services.map((s) => ({ ...s, rss: rssBytes(s.pid) ?? 0 })) };
    results.idle.total = results.idle.services.reduce((a, s) => a + s.rss, 0);
    log(`idle RSS of ${services.length} service processes: ${fmt(mib(results.idle.total))} MiB`);

    const secret = process.env['AF_JWT_SECRET'] ?? readFileSync(join(root, '.state/jwt-secret'), 'utf8').trim();
    client = new GatewayClient(gatewayUrl, await mintToken(secret, eTenant));
    // (f)'s client sends at most IN_FLIGHT requests at once (an HTTP client with that many connections) while
    // up to F_IN_FLIGHT runs wait on the model: the gateway sheds past HTTP_MAX_IN_FLIGHT (256), and 1 000
    // clients retrying every second would measure the retries.
    fClient = new GatewayClient(gatewayUrl, await mintToken(secret, fTenant), IN_FLIGHT);
    await client.listen(natsUrl);
    await fClient.listen(natsUrl);
    cleanups.push(['gateway clients', async () => (await client.close(), await fClient.close())]);
    for (const [c, bp] of [
      [client, noop('bench-noop')],
      [fClient, slow('bench-slow')],
    ]) {
      const saved = await c.api('POST', '/v1/blueprints', bp);
      if (saved.status !== 201) throw new Error(`POST /v1/blueprints ${bp.metadata.name}: ${saved.status} ${JSON.stringify(saved.body)}`);
      const deployed = await c.api('POST', `/v1/agents/${bp.metadata.name}/deployments`, {});
      if (deployed.status !== 201) throw new Error(`deploy ${bp.metadata.name}: ${deployed.status} ${JSON.stringify(deployed.body)}`);
    }
    const first = await client.run('bench-noop', JSON.parse(payload('first')));
    if (first.status !== 'succeeded') throw new Error(`the no-op agent's first run ended ${first.status}`);
    log(`no-op agent deployed; first run ${first.clientMs.toFixed(0)} ms`);
  }

  // ---------------------------------------------------------------- the systems
  const ctx = { natsUrl, redisUrl, databaseUrl, tag, inFlight: IN_FLIGHT };
  const systems = [];
  const add = async (key, setup) => {
    if (!SYSTEMS.includes(key)) return;
    const system = await setup(ctx);
    cleanups.push([system.name, () => system.close()]);
    systems.push({ key, ...system });
  };
  await add('a', setupRawJetStream);
  await add('b', setupBullMq);
  await add('c', setupPgBoss);
  await add('d', setupMessaging);
  if (SYSTEMS.includes('e')) {
    let n = 0;
    systems.push({ key: 'e', name: 'Agent Factory end to end (gateway → run recorded → JetStream → worker → result recorded)', job: () => client.run('bench-noop', JSON.parse(payload(`e-${n++}`))) });
  }
  for (const s of systems) {
    log(`warm-up ${s.key}: ${s.name}`);
    s.resume?.();
    await closedLoop(s.job, { seconds: WARM_SECONDS, inFlight: IN_FLIGHT });
    s.pause?.();
  }

  // ---------------------------------------------------------------- rounds
  const eCpu = new Map();
  let eRuns = 0;
  let eWindowMs = 0;
  const settleMs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = systems.map((_, i) => systems[(i + r) % systems.length]);
    log(`round ${r + 1}/${ROUNDS}: ${order.map((s) => s.key).join(' → ')}`);
    for (const s of order) {
      const before = s.key === 'e' ? cpuSnapshot(root) : undefined;
      const t0 = performance.now();
      s.resume?.();
      const res = await closedLoop(s.job, { seconds: s.key === 'e' ? E_SECONDS : QUEUE_SECONDS, inFlight: IN_FLIGHT });
      s.pause?.();
      if (s.key === 'e') {
        // The run events' other consumers (memory, audit, metering, health, webhooks) may lag behind:
        // the window ends when they have caught up, so their work for these runs is inside it.
        const settled = await settleConsumers(30_000);
        settleMs.push(settled);
        addInto(eCpu, cpuDelta(before, cpuSnapshot(root)));
        eRuns += res.completed + res.drained;
        eWindowMs += performance.now() - t0;
      }
      results.rounds.push({ round: r + 1, key: s.key, ...res });
      (results.bySystem[s.key] ??= { name: s.name, perSecond: [] }).perSecond.push(res.perSecond);
      log(`  ${s.key}: ${fmt(res.perSecond)} /s (${res.completed} in ${res.seconds} s, ${res.drained} more while draining ${res.drainSeconds.toFixed(1)} s${res.failed ? `, ${res.failed} failed` : ''})`);
    }
  }
  if (SYSTEMS.includes('e')) results.e = { cpu: eCpu, runs: eRuns, windowMs: eWindowMs, settleMs };

  // ---------------------------------------------------------------- (e) open loop
  if (SYSTEMS.includes('e')) {
    const capacity = median(results.bySystem.e.perSecond);
    const rate = capacity * OPEN_FRACTION;
    log(`open loop: ${fmt(rate, 1)} runs/s for ${OPEN_SECONDS} s`);
    const before = cpuSnapshot(root);
    const samples = [];
    const pending = [];
    let failed = 0;
    const started = performance.now();
    for (let i = 0; ; i++) {
      const at = started + (i * 1_000) / rate;
      if (at - started >= OPEN_SECONDS * 1_000) break;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(
        client.run('bench-noop', JSON.parse(payload(`open-${i}`))).then(
          (s) => samples.push(s),
          () => failed++,
        ),
      );
    }
    const lateStart = performance.now() - started - OPEN_SECONDS * 1_000;
    await Promise.all(pending);
    await settleConsumers(30_000);
    const cpu = cpuDelta(before, cpuSnapshot(root));
    results.open = {
      rate,
      capacity,
      submitted: pending.length,
      failed,
      succeeded: samples.filter((s) => s.status === 'succeeded').length,
      server: samples.map((s) => s.serverMs),
      client: samples.map((s) => s.clientMs),
      cpu,
      lateStart,
    };
  }

  // ---------------------------------------------------------------- (f) a model that takes 1 s
  if (SYSTEMS.includes('f')) {
    // One worker process: the pool manager would add workers while the queue is deep (README "Scaling"),
    // and split the runs between them. In a mesh started here it is stopped for (f).
    let poolStopped = false;
    if (meshStartedHere) {
      const pidFile = join(root, '.state/pids/pool-manager.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
      if (pid > 0) {
        log('(f): stopping the pool manager (its extra workers drain and exit) so one worker process takes every run');
        try {
          process.kill(pid, 'SIGTERM');
          for (let i = 0; i < 200 && rssBytes(pid) !== undefined; i++) await sleep(250);
          poolStopped = rssBytes(pid) === undefined;
        } catch {
          poolStopped = true;
        }
      }
    }
    const workerPid = Number(readFileSync(join(root, '.state/pids/worker.pid'), 'utf8').trim());
    let modelInFlight = 0;
    let modelMax = 0;
    model.respond = () => {
      modelInFlight++;
      modelMax = Math.max(modelMax, modelInFlight);
      setTimeout(() => modelInFlight--, MODEL_DELAY_MS);
      if (model.requests.length > 1_000) model.requests.length = 0;
      return { kind: 'final', text: '{"ok":true}', delayMs: MODEL_DELAY_MS };
    };
    const warm = await fClient.run('bench-slow', JSON.parse(payload('f-warm')));
    if (warm.status !== 'succeeded') throw new Error(`the slow agent's first run ended ${warm.status}`);
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(fClient.nc);
    // Heartbeats carry each worker instance's held/concurrency ("inflight:worker-runs").
    const { decode } = await import('@af/messaging');
    const { eventSubjects } = await import('@af/contracts');
    const perInstance = new Map();
    const hb = fClient.nc.subscribe('af.v1.health.heartbeat', {
      callback: (err, msg) => {
        if (err) return;
        try {
          const beat = decode(eventSubjects['af.v1.health.heartbeat'].event, msg.data);
          const held = Number(String(beat.checks?.['inflight:worker-runs'] ?? '').split('/')[0]);
          if (beat.service === 'worker' && Number.isFinite(held)) perInstance.set(beat.instanceId, Math.max(perInstance.get(beat.instanceId) ?? 0, held));
        } catch {
          // not a heartbeat we can read
        }
      },
    });
    const rssBefore = rssBytes(workerPid) ?? NaN;
    let rssMax = rssBefore;
    let ackPendingMax = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        rssMax = Math.max(rssMax, rssBytes(workerPid) ?? 0);
        try {
          ackPendingMax = Math.max(ackPendingMax, (await jsm.consumers.info('AF_RUNS', 'worker-runs')).num_ack_pending);
        } catch {
          // sampled again in a moment
        }
        await sleep(200);
      }
    })();
    log(`(f): ${F_IN_FLIGHT} runs in flight for ${F_SECONDS} s, model answers after ${MODEL_DELAY_MS} ms`);
    const before = cpuSnapshot(root);
    let n = 0;
    const res = await closedLoop(() => fClient.run('bench-slow', JSON.parse(payload(`f-${n++}`))), { seconds: F_SECONDS, inFlight: F_IN_FLIGHT });
    const cpu = cpuDelta(before, cpuSnapshot(root));
    sampling = false;
    await sampler;
    hb.unsubscribe();
    await sleep(2_000);
    results.f = {
      ...res,
      poolStopped,
      modelMax,
      ackPendingMax,
      perInstance: [...perInstance.values()],
      rssBefore,
      rssMax,
      rssAfter: rssBytes(workerPid) ?? NaN,
      cpu,
      workers: serviceProcesses(root).filter((s) => s.name.startsWith('worker')).length,
      retried: fClient.retried,
      statuses: { ...fClient.refusals },
    };
    log(`(f): ${fmt(res.perSecond, 1)} runs/s; model calls in flight at most ${modelMax}; worker ack pending at most ${ackPendingMax}`);
  }
} finally {
  for (const [what, step] of cleanups.reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`bench cleanup: ${what} failed: ${error?.message ?? error}`);
    }
  }
  try {
    const { deleteNamespace } = await import('@af/testing');
    await deleteNamespace(natsUrl, NAMESPACE);
  } catch (error) {
    console.error(`bench cleanup: NATS namespace ${NAMESPACE} failed: ${error?.message ?? error}`);
  }
  if (meshStartedHere) {
    try {
      sh('bash', ['scripts/mesh.sh', 'down']);
    } catch (error) {
      console.error(`bench cleanup: mesh down failed: ${error?.message ?? error}`);
    }
  }
  await model?.close().catch(() => undefined);
}

/** Waits until the durable consumers of AF_EVENTS have nothing pending or unacknowledged; answers how long that took. */
async function settleConsumers(timeoutMs) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl, name: 'bench-runs-settle' });
  const started = performance.now();
  try {
    const jsm = await jetstreamManager(nc);
    for (;;) {
      let open = 0;
      for await (const c of jsm.consumers.list('AF_EVENTS')) open += c.num_pending + c.num_ack_pending;
      if (open === 0 || performance.now() - started > timeoutMs) return performance.now() - started;
      await sleep(100);
    }
  } finally {
    await nc.close();
  }
}

// ---------------------------------------------------------------- report
writeReport();
process.exit(0);

function writeReport() {
  const loadAtEnd = os.loadavg();
  const by = results.bySystem;
  const med = (k) => median(by[k]?.perSecond ?? []);
  const spread = (k) => (by[k] ? `${fmt(Math.min(...by[k].perSecond))} – ${fmt(Math.max(...by[k].perSecond))}` : 'n/a');
  const a = med('a');
  const ratio = (k) => med(k) / a;
  const lines = [];
  const push = (...xs) => lines.push(...xs);
  const envLine = ['BENCH_ROUNDS', 'BENCH_IN_FLIGHT', 'BENCH_QUEUE_SECONDS', 'BENCH_E_SECONDS', 'BENCH_OPEN_SECONDS', 'BENCH_F_SECONDS', 'BENCH_F_IN_FLIGHT', 'BENCH_MODEL_DELAY_MS']
    .map((k) => `${k}=${{ BENCH_ROUNDS: ROUNDS, BENCH_IN_FLIGHT: IN_FLIGHT, BENCH_QUEUE_SECONDS: QUEUE_SECONDS, BENCH_E_SECONDS: E_SECONDS, BENCH_OPEN_SECONDS: OPEN_SECONDS, BENCH_F_SECONDS: F_SECONDS, BENCH_F_IN_FLIGHT: F_IN_FLIGHT, BENCH_MODEL_DELAY_MS: MODEL_DELAY_MS }[k]}`)
    .join(', ');
  push(
    '# Runs: throughput and latency against raw JetStream, BullMQ and pg-boss',
    '',
    `Generated by \`npm run bench:runs\` (bench/runs/runs.bench.mjs) on ${startedAt.toISOString()}, in ${fmt((performance.now() - t00) / 60_000, 1)} min.`,
    '',
    `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}. Load average (1/5/15 min) at the start ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}, at the end ${loadAtEnd.map((l) => l.toFixed(2)).join(' / ')}.`,
    `Code: ${code}.`,
    `Versions: Node ${results.versions.node}, ${results.versions.nats}, nats.js (@nats-io/jetstream) ${results.versions.natsJs}, Redis ${results.versions.redis}, PostgreSQL ${results.versions.postgres}, BullMQ ${results.versions.bullmq}, pg-boss ${results.versions.pgBoss}.`,
    '',
    `Command: \`npm run bench:runs\` (${envLine}; BENCH_SYSTEMS=${SYSTEMS.join(',')}${USE_RUNNING ? ', BENCH_USE_RUNNING_MESH=1' : ''}).`,
    withMesh
      ? `The mesh: ${meshStartedHere ? `started by the bench with \`AF_SKIP_BUILD=0 bash scripts/mesh.sh up\` (every service from a fresh build, LOG_LEVEL info as mesh.sh sets it) with WORKER_RUN_CONCURRENCY=${WORKER_RUN_CONCURRENCY} (default 64; set for (f), and in force for (e) too, where at most ${IN_FLIGHT} runs exist at once), ORCHESTRATOR_TENANT_CONCURRENCY_OVERRIDES giving the (e) tenant ${IN_FLIGHT} and the (f) tenant ${F_IN_FLIGHT + 100} runs at once (default 8 per tenant), AF_MODEL_PROVIDERS naming the FakeProvider for (f); stopped at the end with \`bash scripts/mesh.sh down\`` : 'the one already running (BENCH_USE_RUNNING_MESH=1), with whatever settings it was started with'}.`
      : 'No mesh (BENCH_SYSTEMS without e and f).',
    '',
    `Every system gets the same 1 KiB JSON input and ${IN_FLIGHT} jobs (runs) in flight in a closed loop: a job is published (submitted) only when`,
    'another one has been handled and acknowledged (finished), so the figure is the throughput at that concurrency. The queue systems run',
    'their producer and consumer in this process; everything, the mesh included, shares the machine.',
    '',
    `## Throughput, ${ROUNDS} rounds alternating systems (${QUEUE_SECONDS} s per queue system, ${E_SECONDS} s for (e), after a ${WARM_SECONDS} s warm-up each)`,
    '',
    '| system | what one job is | median / s | min – max / s | ratio to (a) |',
    '|---|---|---|---|---|',
  );
  const what = {
    a: 'js.publish with msg-id (file stream, work queue) → pull `consume()` → `msg.ack()`',
    b: '`queue.add` with jobId → Worker (concurrency = in flight) → completed',
    c: '`send` → `fetch` batch of up to the in-flight count → `complete` (batch)',
    d: '`MessageBus.publish(af.v1.runs.execute)` (protobuf, headers, msg-id) → JetStreamServer / SlotConsumer (worker-runs) → ack',
    e: 'POST /v1/agents/bench-noop/runs (202) → … → GET /v1/runs/{id} final (succeeded)',
  };
  for (const k of ['a', 'b', 'c', 'd', 'e']) {
    if (!by[k]) continue;
    push(`| (${k}) ${by[k].name} | ${what[k]} | **${fmt(med(k))}** | ${spread(k)} | ${fmt(ratio(k), k === 'e' ? 4 : 2)}× |`);
  }
  push('', `Per round (jobs or runs / s): ${[...new Set(results.rounds.map((r) => r.round))].map((round) => `round ${round}: ${results.rounds.filter((r) => r.round === round).map((r) => `${r.key} ${fmt(r.perSecond)}`).join(', ')}`).join('; ')}.`);
  const failedJobs = results.rounds.reduce((n, r) => n + r.failed, 0);
  push('', `Failed jobs or runs in the rounds: ${failedJobs}.`);

  if (results.open) {
    const o = results.open;
    const row = (label, xs) => `| ${label} | ${fmt(percentile(xs, 0.5), 1)} | ${fmt(percentile(xs, 0.99), 1)} | ${fmt(percentile(xs, 0.999), 1)} | ${fmt(Math.max(...xs), 1)} | ${xs.length} |`;
    push(
      '',
      `## (e) Open loop at ${Math.round(OPEN_FRACTION * 100)} % of the measured capacity: ${fmt(o.rate, 1)} runs/s for ${OPEN_SECONDS} s`,
      '',
      `Capacity = the median closed-loop rate of (e) above (${fmt(o.capacity, 1)} runs/s). Submissions on a fixed schedule (${o.submitted} submitted, ${o.succeeded} succeeded, ${o.failed} failed), each waiting for its own run.`,
      'Server side: `finishedAt − createdAt` of the run record (the orchestrator\'s clock: from the run being recorded to its result being recorded).',
      'Client side: from before the POST to the GET that first shows the run final (finish noticed from the worker\'s run event, then confirmed through the gateway).',
      '',
      '| latency (ms) | p50 | p99 | p99.9 | max | n |',
      '|---|---|---|---|---|---|',
      row('server side (finishedAt − createdAt)', o.server),
      row('client side (submit → finished seen)', o.client),
    );
  }

  if (results.f) {
    const f = results.f;
    push(
      '',
      `## (f) A model that takes ${MODEL_DELAY_MS / 1_000} s: ${F_IN_FLIGHT} runs in flight for ${F_SECONDS} s`,
      '',
      `The client sends at most ${IN_FLIGHT} HTTP requests at once (as one with ${IN_FLIGHT} connections) while up to ${F_IN_FLIGHT} of its runs are in flight. The agent's route is \`benchslow/m1\`: the FakeProvider of @af/testing (an OpenAI-wire server in this process) registered through AF_MODEL_PROVIDERS, answering every call after ${MODEL_DELAY_MS} ms. WORKER_RUN_CONCURRENCY=${WORKER_RUN_CONCURRENCY}. ${f.poolStopped ? 'The pool manager was stopped before (f), so one worker process (the mesh\'s :8086) took every run.' : 'The pool manager was left running: its extra workers may have taken part of the runs (see the per-instance figure).'}`,
      '',
      '| figure | value |',
      '|---|---|',
      `| runs finished / s | **${fmt(f.perSecond, 1)}** (${f.completed} finished in the ${f.seconds} s window; ${f.drained} more in the ${f.drainSeconds.toFixed(1)} s it took the runs still in flight to finish; ${f.failed} failed) |`,
      `| model calls in flight at once (counted by the FakeProvider) | ${f.modelMax} |`,
      `| runs held by workers at once (worker-runs consumer's ack pending, sampled every 200 ms) | ${f.ackPendingMax} |`,
      `| runs held by one worker instance at once (its heartbeats, every 5 s) | ${f.perInstance.length ? f.perInstance.map((v) => fmt(v)).join(', ') : 'n/a'} |`,
      `| worker processes at the end | ${f.workers} |`,
      `| worker RSS before → max → after (MiB) | ${fmt(mib(f.rssBefore))} → ${fmt(mib(f.rssMax))} → ${fmt(mib(f.rssAfter))} (growth ${fmt(mib(f.rssMax - f.rssBefore))} MiB) |`,
      `| requests answered 429/503 and retried after Retry-After | ${f.retried} (${Object.entries(f.statuses).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}) |`,
    );
  }

  if (results.e.runs) {
    const e = results.e;
    // Other work sharing the machine is shown apart and left out of the per-run total.
    const foreign = (name) => name.startsWith('everything else') || name.startsWith('PostgreSQL (backends of other clients');
    const sumOf = (m) => (m ? [...m.entries()].filter(([name]) => !foreign(name)).reduce((x, [, y]) => x + y, 0) : NaN);
    const total = sumOf(e.cpu);
    const openCpu = results.open?.cpu;
    const openRuns = results.open ? results.open.submitted : 0;
    const fCpu = results.f?.cpu;
    const fRuns = results.f ? results.f.completed + results.f.drained : 0;
    const rows = [...e.cpu.entries()].sort((x, y) => Number(foreign(x[0])) - Number(foreign(y[0])) || y[1] - x[1]);
    const loadMs = e.cpu.get('this bench (load generator)') ?? 0;
    push(
      '',
      '## (g) Where the CPU goes: milliseconds of CPU per run, by process',
      '',
      `From /proc/<pid>/stat (utime + stime) over (e)'s closed-loop windows (${e.runs} runs in ${fmt(e.windowMs / 1_000, 1)} s; each window held open until the AF_EVENTS consumers had caught up: ${e.settleMs.map((ms) => fmt(ms)).join(', ')} ms after the loop ended)${results.open ? `, over the open loop (${openRuns} runs)` : ''}${results.f ? ` and over (f) (${fRuns} runs)` : ''}.`,
      'Services from .state/pids (the pool manager\'s extra workers as "worker (pool)"). PostgreSQL backends are attributed by their client port: those serving a mesh service\'s connection, the server\'s own processes (checkpointer, WAL writer…), and other clients\' (other work on this machine, left out of the total).',
      'nats-server, Redis and Neo4j are one process each, shared with anything else using them meanwhile; "everything else" is the machine\'s busy time (/proc/stat) not spent by any process listed.',
      '',
      `| process | closed loop: CPU ms / run | share of the total | open loop: CPU ms / run${results.f ? ' | (f): CPU ms / run' : ''} |`,
      `|---|---|---|---${results.f ? '|---' : ''}|`,
    );
    for (const [name, ms] of rows) {
      push(`| ${foreign(name) ? `*${name}*` : name} | ${fmt(ms / e.runs, 2)} | ${foreign(name) ? '(not in the total)' : `${fmt((100 * ms) / total, 1)} %`} | ${openCpu ? fmt((openCpu.get(name) ?? 0) / openRuns, 2) : 'n/a'}${results.f ? ` | ${fmt((fCpu.get(name) ?? 0) / fRuns, 2)}` : ''} |`);
    }
    push(`| **total: the mesh, its dependencies and this bench** | **${fmt(total / e.runs, 2)}** | 100 % | ${openCpu ? fmt(sumOf(openCpu) / openRuns, 2) : 'n/a'}${results.f ? ` | ${fmt(sumOf(fCpu) / fRuns, 2)}` : ''} |`);
    push(
      '',
      `Without the load generator, the platform spends ${fmt((total - loadMs) / e.runs, 2)} ms of CPU per run: on ${cpus.length} cores that caps it at about ${fmt((cpus.length * 1_000) / ((total - loadMs) / e.runs))} runs/s whatever the concurrency (measured: ${fmt(median(results.bySystem.e.perSecond))} runs/s with the load generator and any other work on the machine competing for the same cores).`,
    );
  }

  if (results.idle) {
    const i = results.idle;
    push(
      '',
      `## Idle RSS of the mesh (${i.services.length} service processes, dependencies excluded)`,
      '',
      `After every service answered ready and 5 s more, before any run: **${fmt(mib(i.total))} MiB** — ${i.services.map((s) => `${s.name} ${fmt(mib(s.rss))}`).join(', ')} (MiB).`,
    );
  }

  // Targets
  push('', '## Targets (issue 13), each a ratio measured in this run', '', '| target | measured | |', '|---|---|---|');
  const verdict = (ok, by) => (ok ? 'met' : `**missed**${by ? ` (${by})` : ''}`);
  if (by.e && by.a) {
    const r = ratio('e');
    push(`| (e) ≥ 0.1 × (a) | ${fmt(r, 4)} × (${fmt(med('e'))} vs ${fmt(a)} /s) | ${verdict(r >= 0.1, `${fmt(0.1 / r, 1)}× short: ${fmt(0.1 * a)} runs/s needed`)} |`);
  }
  if (by.e && by.c) push(`| (e) ahead of pg-boss (c) | ${fmt(med('e'))} vs ${fmt(med('c'))} /s | ${verdict(med('e') > med('c'), `${fmt(med('c') / med('e'), 1)}× short`)} |`);
  if (by.d && by.a) {
    const r = ratio('d');
    push(`| (d) ≥ 0.8 × (a) | ${fmt(r, 2)} × (${fmt(med('d'))} vs ${fmt(a)} /s) | ${verdict(r >= 0.8, `${fmt(0.8 / r, 1)}× short`)} |`);
  }
  if (results.open) {
    const p50 = percentile(results.open.server, 0.5);
    const p99 = percentile(results.open.server, 0.99);
    push(`| open loop at 50 %: server-side p50 ≤ 3 ms | ${fmt(p50, 1)} ms | ${verdict(p50 <= 3, `by ${fmt(p50 - 3, 1)} ms`)} |`);
    push(`| open loop at 50 %: server-side p99 ≤ 10 ms | ${fmt(p99, 1)} ms | ${verdict(p99 <= 10, `by ${fmt(p99 - 10, 1)} ms`)} |`);
  }
  if (results.f) {
    const f = results.f;
    const held = Math.max(f.ackPendingMax, ...f.perInstance);
    const cpuBound = by.e ? med('e') : NaN;
    const wanted = Math.min(1_000, cpuBound);
    push(`| (f) one worker keeps ≥ 1 000 runs in flight on a 1 s model | ${fmt(held)} held at most${f.poolStopped ? ' (one worker process)' : ''} | ${verdict(held >= 1_000, `by ${fmt(1_000 - held)} runs`)} |`);
    push(`| (f) ≈ 1 000 runs/s, or (e)'s CPU-bound rate if lower (${fmt(wanted)} /s) | ${fmt(f.perSecond, 1)} runs/s | ${verdict(f.perSecond >= 0.9 * wanted, `${fmt(f.perSecond / wanted, 2)}× of it`)} |`);
    const growth = mib(f.rssMax - f.rssBefore);
    push(`| (f) worker RSS grows ≤ 200 MB | ${fmt(growth)} MiB | ${verdict(growth * 1.048576 <= 200, `by ${fmt(growth * 1.048576 - 200)} MB`)} |`);
  }
  if (results.idle) push(`| idle RSS of the mesh ≤ 1 GiB | ${fmt(mib(results.idle.total))} MiB (${results.idle.services.length} processes) | ${verdict(results.idle.total <= 2 ** 30, `by ${fmt(mib(results.idle.total - 2 ** 30))} MiB`)} |`);

  const report = lines.join('\n') + '\n';
  const reportPath = join(root, 'bench', 'reports', 'runs.md');
  if (!SYSTEMS.includes('e')) {
    // A partial run (queues only) is printed, never written over the full report.
    console.log(report);
    return;
  }
  // The hand-written reading of a run (from "## Reading this run" on) is kept; only the measured part above is replaced.
  const previous = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '';
  const reading = previous.indexOf('\n## Reading this run');
  writeFileSync(reportPath, reading >= 0 ? report + previous.slice(reading) : report);
  console.log(report);
}

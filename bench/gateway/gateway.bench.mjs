// Gateway benchmark (issue 9). Run: npm run bench:gateway
//
// In one run, each step adds one thing to the one before, all measured the same way:
//   1. raw Fastify hello                          (the floor: Fastify alone, no Nest)
//   2. our NestJS gateway, a @Public route         (Nest + the gateway's hooks: context/tracing, back-pressure)
//   3. + JWT authentication                         (HS256, verified once then cached by token hash; permission check, in onRequest)
//   4. + API key authentication instead of JWT      (HMAC-SHA256 lookup, LRU-cached)
//   5. + rate limit (JWT)                           (one EVALSHA to Redis per request; far under the limit, in the background)
//   6. + rate limit (API key)
//   7. + a NATS request/reply route                 (GET /v1/mesh/health, a local responder on the real NATS)
// plus a reference step, bare NestJS (the same controller, nothing of ours), to separate what the
// framework costs from what our hooks cost.
// Each step: req/s with 10 connections (autocannon), and latency with 10 and with 1 connection.
// Latencies are autocannon's per-response times in ms (float), collected here, not its histogram
// (which has 1 ms resolution). Every step is measured in BENCH_TRIALS (3) rounds; a round runs
// every step once, in order, so a change of machine load hits all steps of a round alike. Each
// measurement follows a warm-up on the same URL. The report gives the median over the rounds, and
// the added latencies as the median of the per-round differences. The servers' CPU time per request
// (from a control endpoint in their process) is reported beside req/s: it does not depend on how
// much CPU the load generator leaves them. Writes bench/reports/gateway.md.
// Needs PostgreSQL (API keys), Redis and NATS (scripts/deps.sh up); boots its servers in a child
// process on free ports, with its own NATS namespace, schema and Redis key prefix.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';

const root = join(import.meta.dirname, '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
const TRIALS = Number(process.env['BENCH_TRIALS'] ?? 3);
const tag = randomBytes(3).toString('hex');
const tenant = `bench-${tag}`;
const secret = randomBytes(32).toString('hex');
const env = {
  ...process.env,
  AF_NAMESPACE: `bench-${tag}`,
  GATEWAY_DATABASE_SCHEMA: `gateway_bench_${tag}`,
  REDIS_KEY_PREFIX: `afbench-${tag}:`,
  AF_JWT_SECRET: secret,
  AF_API_KEY_PEPPER: randomBytes(32).toString('hex'),
  // Limits far above what the bench sends: every request pays the check, none is refused.
  AF_RATE_LIMIT_PLANS: JSON.stringify({ free: { rps: 1_000_000, burst: 1_000_000 } }),
};

const server = spawn(process.execPath, ['--no-node-snapshot', join(import.meta.dirname, 'servers.mjs')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`bench servers exited with ${code} before listening`)));
  createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line)));
});

const jwt = await new SignJWT({ tenant, roles: ['Administrator'] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench')
  .setIssuer(env['AF_JWT_ISSUER'] ?? 'agent-factory')
  .setAudience(env['AF_JWT_AUDIENCE'] ?? 'agent-factory-api')
  .setExpirationTime('1h')
  .sign(new TextEncoder().encode(secret));

const created = await fetch(`http://127.0.0.1:${ports.limited}/v1/api-keys`, {
  method: 'POST',
  headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', roles: ['Administrator'] }),
});
const apiKey = created.status === 201 ? (await created.json()).key : undefined;
if (!apiKey) console.error(`API key not created (${created.status} ${await created.text()}): its rows are skipped`);

function percentile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One autocannon run; latencies collected per response (float ms). */
function load(url, headers, connections, seconds) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon({ url, headers, connections, duration: seconds, pipelining: 1 }, (error, result) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      resolve({ rps: result.requests.average, total: result.requests.total, non2xx: result.non2xx, errors: result.errors + result.timeouts, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) });
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

const steps = [
  { id: '1', label: '1. raw Fastify hello', port: ports.raw, path: '/hello' },
  { id: 'ref', label: 'ref. bare NestJS, same controller, nothing of ours', port: ports.bare, path: '/v1/bench/open' },
  { id: '2', label: '2. NestJS gateway, @Public route', port: ports.plain, path: '/v1/bench/open' },
  { id: '3', label: '3. + JWT', port: ports.plain, path: '/v1/bench/hello', bearer: jwt, base: '2' },
  { id: '4', label: '4. + API key (instead of JWT)', port: ports.plain, path: '/v1/bench/hello', bearer: apiKey, needsKey: true, base: '2' },
  { id: '5', label: '5. + rate limit (JWT)', port: ports.limited, path: '/v1/bench/hello', bearer: jwt, base: '3' },
  { id: '6', label: '6. + rate limit (API key)', port: ports.limited, path: '/v1/bench/hello', bearer: apiKey, needsKey: true, base: '4' },
  { id: '7', label: '7. + NATS request/reply (JWT, rate limit)', port: ports.limited, path: '/v1/mesh/health', bearer: jwt, base: '5' },
].filter((step) => !step.needsKey || apiKey);

/** The server process's CPU time so far (µs), from its control endpoint. */
const serverCpu = async () => (await fetch(`http://127.0.0.1:${ports.control}/`)).json();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const loadBefore = os.loadavg();
/** trials[id] = one {loaded, single} per round. */
const trials = Object.fromEntries(steps.map((step) => [step.id, []]));
const loadPerRound = [];
try {
  for (let round = 1; round <= TRIALS; round++) {
    for (const step of steps) {
      const url = `http://127.0.0.1:${step.port}${step.path}`;
      const headers = step.bearer ? { authorization: `Bearer ${step.bearer}` } : {};
      await load(url, headers, CONNECTIONS, WARMUP_SECONDS);
      const cpuBefore = await serverCpu();
      const loaded = await load(url, headers, CONNECTIONS, SECONDS);
      const cpuAfter = await serverCpu();
      // Server CPU (user + system) per request served under load, in µs.
      loaded.cpuUs = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / loaded.total;
      const single = await load(url, headers, 1, SECONDS);
      if (loaded.non2xx + loaded.errors + single.non2xx + single.errors > 0) throw new Error(`${step.label}: ${loaded.non2xx + single.non2xx} non-2xx responses, ${loaded.errors + single.errors} errors`);
      trials[step.id].push({ loaded, single });
      console.error(`round ${round}/${TRIALS} ${step.label}: ${loaded.rps.toFixed(0)} req/s, ${loaded.cpuUs.toFixed(1)} µs server CPU/req, p50 ${loaded.p50.toFixed(3)} ms (${CONNECTIONS} conn), p50 ${single.p50.toFixed(3)} ms (1 conn)`);
    }
    loadPerRound.push(os.loadavg()[0]);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  const { dropSchema, deleteNamespace } = await import('@af/testing');
  const { openRedis } = await import('@af/persistence');
  await dropSchema(env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres', env.GATEWAY_DATABASE_SCHEMA);
  const redis = await openRedis(env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', '');
  const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await deleteNamespace(env['NATS_URL'] ?? 'nats://127.0.0.1:4222', env.AF_NAMESPACE);
}

const f = (v) => v.toFixed(3);
const signed = (v) => `${v >= 0 ? '+' : ''}${f(v)}`;
const of = (id, pick) => median(trials[id].map(pick));
/** Median over rounds of (step − base), each difference taken within one round. */
const addedP50 = (id, base) => median(trials[id].map((t, i) => t.single.p50 - trials[base][i].single.p50));
const rpsRatio = (id, base) => median(trials[id].map((t, i) => t.loaded.rps / trials[base][i].loaded.rps));
const rows = steps.map((step) => {
  const rps = trials[step.id].map((t) => t.loaded.rps);
  const added = step.base ? signed(addedP50(step.id, step.base)) : '';
  return `| ${step.label} | \`${step.path}\` | ${of(step.id, (t) => t.loaded.rps).toFixed(0)} | ${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)} | ${of(step.id, (t) => t.loaded.cpuUs).toFixed(1)} | ${f(of(step.id, (t) => t.loaded.p50))} | ${f(of(step.id, (t) => t.loaded.p99))} | ${f(of(step.id, (t) => t.single.p50))} | ${f(of(step.id, (t) => t.single.p99))} | ${added} |`;
});
const has = (id) => trials[id] !== undefined;
const ratio = rpsRatio('2', '1');
const bareRatio = rpsRatio('ref', '1');
const oursVsBare = rpsRatio('2', 'ref');
const cpuOf = (id) => of(id, (t) => t.loaded.cpuUs);
/** Server CPU per request of `base` / of `id`: the req/s ratio if the server alone were the limit. */
const cpuRatio = (id, base) => median(trials[id].map((t, i) => trials[base][i].loaded.cpuUs / t.loaded.cpuUs));
/** Both readings of "step − base" at the 1-connection p50; the verdict takes the larger (the less flattering). */
const added = (id, base) => {
  const perRound = addedP50(id, base);
  const ofMedians = of(id, (t) => t.single.p50) - of(base, (t) => t.single.p50);
  return { perRound, ofMedians, worst: Math.max(perRound, ofMedians) };
};
const addedJwt = added('5', '2');
const addedKey = has('6') ? added('6', '2') : undefined;
const showAdded = (a) => `${f(a.worst)} ms (median of per-round differences ${f(a.perRound)}, difference of the medians ${f(a.ofMedians)})`;
const verdict = (ok) => (ok ? 'met' : '**missed**');
const cpus = os.cpus();
const loadAfter = os.loadavg();
const report = `# Gateway benchmark

Generated by \`npm run bench:gateway\` (bench/gateway/gateway.bench.mjs) on ${new Date().toISOString()}.

Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}.
Command: \`npm run bench:gateway\` (BENCH_SECONDS=${SECONDS}, BENCH_WARMUP_SECONDS=${WARMUP_SECONDS}, BENCH_CONNECTIONS=${CONNECTIONS}, BENCH_TRIALS=${TRIALS}).
Load: autocannon in this process; the servers in a child process (one event loop for all of them, same
machine, PostgreSQL, Redis and NATS local). Each measurement: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s with ${CONNECTIONS} connections and
${SECONDS} s with 1; ${TRIALS} rounds, each round measuring every step once in the order below; every response was 2xx.
Load average (1 / 5 / 15 min) before: ${loadBefore.map((v) => v.toFixed(2)).join(' / ')}; after each round (1 min): ${loadPerRound.map((v) => v.toFixed(2)).join(', ')};
after: ${loadAfter.map((v) => v.toFixed(2)).join(' / ')}. The machine is shared: absolute figures move with its load; compare steps within one run.

Medians over the ${TRIALS} rounds (req/s range: lowest–highest round; server CPU: user + system time of the
servers' process during the ${CONNECTIONS}-connection measurement, divided by the requests served):

| step | route | req/s (${CONNECTIONS} conn) | req/s range | server CPU µs/req | p50 ms (${CONNECTIONS} conn) | p99 ms (${CONNECTIONS} conn) | p50 ms (1 conn) | p99 ms (1 conn) | added p50 ms (1 conn) vs the step it builds on |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Steps 3–4 build on 2, 5 on 3, 6 on 4, 7 on 5; "added" is the median of the per-round differences.
Steps ref and 2–6 answer the same constant body from a Nest controller; 1 is the same handler on
Fastify alone. "ref" is Nest with that controller and nothing else (no guard, hook, filter or
module of ours); step 2 is the gateway as it runs in production (tracing context, correlation
id, back-pressure, metrics, request log (at LOG_LEVEL=warn here, so not written), the global auth
guard and early-authentication hook passing a public route, error filter, body parsers) minus
the rate-limit hook.

The rate limits are set far above the bench's load (as for a client well under its plan): the
rate limiter's fast path lets a request pass on Redis' last answer and counts it in the background
(see README, Rate limits), so steps 5–6 show that path; its Redis round trips appear in the
server CPU column more than in the latency. A client near its limit waits for Redis on every
request (not measured here).

## Targets

| target | measured | |
|---|---|---|
| NestJS route ≥ 0.7 × raw Fastify (req/s, step 2 / step 1; median of the per-round ratios) | ${ratio.toFixed(2)} × | ${verdict(ratio >= 0.7)} |
| authentication + rate limit add ≤ 0.15 ms at p50 (1 conn), JWT (step 5 − step 2) | ${showAdded(addedJwt)} | ${verdict(addedJwt.worst <= 0.15)} |
| authentication + rate limit add ≤ 0.15 ms at p50 (1 conn), API key (step 6 − step 2) | ${addedKey === undefined ? 'not measured' : showAdded(addedKey)} | ${addedKey === undefined ? '—' : verdict(addedKey.worst <= 0.15)} |

For reference (req/s): bare NestJS / raw Fastify = ${bareRatio.toFixed(2)} ×; our gateway route / bare NestJS = ${oursVsBare.toFixed(2)} ×.
By server CPU per request (the ratio the server alone would allow, were it the only limit): gateway
route vs raw Fastify ${cpuRatio('2', '1').toFixed(2)} ×, bare NestJS vs raw Fastify ${cpuRatio('ref', '1').toFixed(2)} ×, gateway route vs bare NestJS ${cpuRatio('2', 'ref').toFixed(2)} ×.
Per request, bare NestJS uses ${(cpuOf('ref') - cpuOf('1')).toFixed(1)} µs of server CPU more than raw Fastify, and our gateway route
${(cpuOf('2') - cpuOf('ref')).toFixed(1)} µs more than bare NestJS; 0.7 × raw Fastify by CPU would mean at most ${(cpuOf('1') / 0.7).toFixed(1)} µs per request
for the gateway route (measured: ${cpuOf('2').toFixed(1)} µs). JWT (cached) adds ${(cpuOf('3') - cpuOf('2')).toFixed(1)} µs, the rate limit ${(cpuOf('5') - cpuOf('3')).toFixed(1)} µs (JWT) of server CPU per request.

The 1-connection p50 is the cost a request pays; with ${CONNECTIONS} connections the p50 also holds the time
spent queueing behind the other connections, so the differences there reflect lost throughput.
With ${CONNECTIONS} connections on ${cpus.length} cores, the load generator and the server share the CPUs: a faster server
leaves less CPU to autocannon, so the raw-Fastify figure is partly the load generator's limit.
`;
writeFileSync(join(root, 'bench', 'reports', 'gateway.md'), report);
console.log(report);
process.exit(0);

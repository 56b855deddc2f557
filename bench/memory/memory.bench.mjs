// Agent memory benchmark (issue 12). Run: npm run bench:memory
//
// Boots the real memory service in-process (its AppModule, as the service runs it) against the
// real PostgreSQL, Redis and Neo4j, in its own NATS namespace, PostgreSQL schema and Redis key
// prefix, and drives it through its NATS subjects (af.v1.memory.*) as a worker or the gateway
// does, so every figure includes the request/reply round trip a caller pays. Then:
//   - store: BENCH_MEMORIES (10 000) memories through af.v1.memory.store (episodic row + entity
//     extraction + embedding + Neo4j write in one request), and as many working-memory writes
//     through af.v1.memory.working.put; throughput with BENCH_CONCURRENCY requests in flight,
//     and the service's own per-tier store time (its af_memory_store_duration_seconds histogram);
//   - search p50/p99 per tier, one request at a time: working get, episodic full-text search
//     (ranked, with and without filters), semantic top-10 (vector index + graph neighbourhood);
//   - baselines in the same run: a NATS request/reply to a trivial responder, a raw Redis GET,
//     a raw PostgreSQL primary-key SELECT, a raw Neo4j `RETURN 1`.
// Writes bench/reports/memory.md. Needs PostgreSQL, Redis, NATS (scripts/deps.sh up) and Neo4j
// (started here with scripts/neo4j.sh when nothing answers on NEO4J_URL's port).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname, '..', '..');
const tag = randomBytes(3).toString('hex');
// Its own NATS namespace, schema and key prefix: never meets a running mesh.
process.env['AF_NAMESPACE'] ??= `bench-${tag}`;
const schema = `memory_bench_${tag}`;
const keyPrefix = `afbench-${tag}:`;
const tenant = `bench-${tag}`;

const N = Number(process.env['BENCH_MEMORIES'] ?? 10_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const N_WORKING = Number(process.env['BENCH_WORKING_GETS'] ?? 5_000);
const N_EPISODIC = Number(process.env['BENCH_EPISODIC_SEARCHES'] ?? 2_000);
const N_SEMANTIC = Number(process.env['BENCH_SEMANTIC_SEARCHES'] ?? 1_000);
const N_BASE = Number(process.env['BENCH_BASELINE'] ?? 5_000);

// ---------------------------------------------------------------- Neo4j present?
const neo4jUrl = new URL(process.env['NEO4J_URL'] ?? 'bolt://127.0.0.1:7687');
const reachable = (host, port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
if (!(await reachable(neo4jUrl.hostname, neo4jUrl.port || 7687))) {
  console.log(`nothing answers on ${neo4jUrl.host}: starting Neo4j (scripts/neo4j.sh start)`);
  execFileSync('bash', [join(root, 'scripts/neo4j.sh'), 'start'], { stdio: 'inherit' });
}

const { bootstrapService } = await import('@af/runtime');
const { connectTestClient, httpUrl } = await import('@af/runtime/testing');
const { processNamespace } = await import('@af/messaging');
const { AppModule } = await import(join(root, 'services/memory/dist/app.module.js'));
const { loadMemoryConfig } = await import(join(root, 'services/memory/dist/config.js'));
const { SemanticRepository } = await import(join(root, 'services/memory/dist/memories/semantic.repository.js'));
const { RunGraphRepository } = await import(join(root, 'services/memory/dist/graph/run-graph.repository.js'));
const { Redis } = await import('ioredis');
const pg = (await import('pg')).default;
const neo4j = (await import('neo4j-driver')).default;

// ---------------------------------------------------------------- corpus (deterministic)
const FIRST = ['Alice', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya', 'Noah', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Ugo', 'Vera', 'Wen', 'Xavier', 'Yara', 'Zoe'];
const LAST = ['Martin', 'Keller', 'Dubois', 'Ivanova', 'Rossi', 'Haddad', 'Nakamura', 'Okafor', 'Schmidt', 'Lindqvist', 'Moreau', 'Novak', 'Fischer', 'Garcia', 'Kowalski', 'Jensen', 'Silva', 'Tanaka', 'Weber', 'Yilmaz'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella Health', 'Stark Logistics', 'Wayne Foods', 'Hooli', 'Vandelay Imports', 'Soylent Energy', 'Tyrell Robotics', 'Cyberdyne Labs', 'Wonka Retail'];
const TOPICS = ['renewal of the annual contract', 'a refund for a duplicated invoice', 'upgrading to the enterprise plan', 'a delayed shipment to the warehouse', 'single sign-on for the support team', 'the quarterly business review', 'a data export for the audit', 'pricing for additional seats', 'an outage of the reporting dashboard', 'onboarding of new employees'];
const AGENTS = ['support-bot', 'sales-assistant', 'billing-agent', 'onboarding-guide', 'ops-triage'];
const pick = (list, i) => list[i % list.length];
function memory(i) {
  const first = pick(FIRST, i);
  const last = pick(LAST, Math.floor(i / FIRST.length));
  const company = pick(COMPANIES, Math.floor(i / 7));
  const topic = pick(TOPICS, Math.floor(i / 3));
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    subjectId: `customer-${i % 1_000}`,
    content: `${first} ${last} from ${company} asked about ${topic} on 2026-11-${day}; the amount discussed was $${(100 + ((i * 37) % 9_900)).toLocaleString('en-US')}. Contact: ${first.toLowerCase()}.${last.toLowerCase()}@${company.toLowerCase().replace(/\s+/g, '')}.example. Ticket ${i}.`,
    source: 'bench',
    metadataJson: JSON.stringify({ ticket: i }),
    scope: { agent: pick(AGENTS, i), accessLevel: 'organization', team: 'bench', readOnly: false },
    idempotencyKey: `bench-${i}`,
  };
}

// ---------------------------------------------------------------- helpers
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}
async function measure(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return stats(samples);
}
/** n calls of fn with `concurrency` in flight; answers calls per second. */
async function throughput(n, concurrency, fn) {
  let next = 0;
  const samples = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const t = performance.now();
        await fn(next++);
        samples.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return { n, seconds, perSecond: n / seconds, latency: stats(samples) };
}
/** Sum and count of a Prometheus histogram per `tier` label, from the service's /metrics. */
async function histogram(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}_(sum|count)\\{[^}]*tier="(\\w+)"[^}]*\\} ([0-9.e+-]+)`).exec(line);
    if (m) (out[m[2]] ??= { sum: 0, count: 0 })[m[1]] = Number(m[3]);
  }
  return out;
}

// ---------------------------------------------------------------- run
const config = loadMemoryConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: 'warn', MEMORY_RETENTION_INTERVAL_MS: '86400000' });
const service = await bootstrapService({ service: 'memory', ...config, http: { ...config.http, port: 0 }, logLevel: 'warn', module: (runtime) => AppModule.forRoot(config, runtime, { schema, redisKeyPrefix: keyPrefix }) });
const client = await connectTestClient();
// Writes may queue behind Neo4j's locks under concurrency: a generous timeout, so a slow store is measured, not dropped.
const request = (subject, body) => client.bus.request(subject, body, { tenantId: tenant, timeoutMs: 120_000 });
/** A store the service failed transiently (Neo4j lock timeouts, terminated transactions) is retried (idempotency key) and counted. */
const retried = { count: 0, failed: 0 };
async function storeWithRetry(body) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request('af.v1.memory.store', body);
    } catch (error) {
      if (attempt >= 5 || !['UNAVAILABLE', 'INTERNAL', 'TIMEOUT'].includes(error?.code)) throw error;
      retried.count++;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
const redis = new Redis(config.redis.url, { lazyConnect: true });
await redis.connect();
const db = new pg.Client({ connectionString: config.database.url });
await db.connect();
const driver = neo4j.driver(config.neo4j.url, config.neo4j.user ? neo4j.auth.basic(config.neo4j.user, config.neo4j.password) : undefined);
// A trivial responder on the same NATS server: the transport's round trip alone.
const echoSubject = processNamespace().subject(`bench.memory.echo.${tag}`);
const echo = client.nc.subscribe(echoSubject, { callback: (_err, msg) => msg.respond(msg.data) });

const results = {};
const ids = [];
let neoVersion = 'unknown';
try {
  neoVersion = (await driver.executeQuery('CALL dbms.components() YIELD name, versions, edition RETURN name + " " + versions[0] + " " + edition AS v')).records[0]?.get('v') ?? 'unknown';
  // Warm-up: JIT, pools, the vector index and the plans (stored under other idempotency keys, counted below).
  for (let i = 0; i < 50; i++) await storeWithRetry({ ...memory(N + i), idempotencyKey: `warm-${i}` });

  // ---- store
  const metricsBefore = await histogram(httpUrl(service), 'af_memory_store_duration_seconds');
  results.store = await throughput(N, CONCURRENCY, async (i) => {
    const reply = await storeWithRetry(memory(i));
    ids[i] = reply.id;
  });
  const metricsAfter = await histogram(httpUrl(service), 'af_memory_store_duration_seconds');
  const tierMs = (tier, before = metricsBefore, after = metricsAfter) => {
    const sum = (after[tier]?.sum ?? 0) - (before[tier]?.sum ?? 0);
    const count = (after[tier]?.count ?? 0) - (before[tier]?.count ?? 0);
    return count > 0 ? (sum / count) * 1_000 : NaN;
  };
  results.storeEpisodicMs = tierMs('episodic');
  results.storeSemanticMs = tierMs('semantic');
  const workingKey = (i) => ({ agent: pick(AGENTS, i), scope: 'thread', scopeId: `thread-${i}` });
  results.working = await throughput(N, CONCURRENCY, (i) =>
    request('af.v1.memory.working.put', { ...workingKey(i), documentJson: JSON.stringify({ step: i % 7, customer: `customer-${i % 1_000}`, notes: memory(i).content.slice(0, 120) }), expectedVersion: 0n, appendMessages: [`hello ${i}`, memory(i).content.slice(0, 80)], subjectId: `customer-${i % 1_000}` }),
  );
  results.storeWorkingMs = tierMs('working', metricsAfter, await histogram(httpUrl(service), 'af_memory_store_duration_seconds'));

  const counted = await db.query(`SELECT count(*)::int AS n FROM "${schema}".memories WHERE tenant_id = $1`, [tenant]);
  results.rows = counted.rows[0].n;
  results.nodes = Number((await driver.executeQuery('MATCH (m:Memory {tenant: $tenant}) RETURN count(m) AS n', { tenant })).records[0].get('n'));

  // ---- search, one at a time (the latency a single caller sees)
  for (let i = 0; i < 200; i++) await request('af.v1.memory.working.get', workingKey(i * 13));
  results.workingGet = await measure(N_WORKING, async (i) => {
    const reply = await request('af.v1.memory.working.get', workingKey((i * 7_919) % N));
    if (reply.version !== 1n) throw new Error('working memory missing');
  });
  const terms = ['refund invoice', 'enterprise plan upgrade', 'delayed shipment warehouse', 'single sign-on', 'quarterly business review', 'data export audit', 'additional seats pricing', 'reporting dashboard outage', 'onboarding employees', 'annual contract renewal'];
  const personal = (i) => `${pick(FIRST, i)} ${pick(LAST, i * 3)}`;
  for (let i = 0; i < 200; i++) await request('af.v1.memory.search', { tier: 'episodic', query: pick(terms, i), limit: 10 });
  let empty = 0;
  results.episodic = await measure(N_EPISODIC, async (i) => {
    const reply = await request('af.v1.memory.search', { tier: 'episodic', query: i % 2 ? pick(terms, i) : personal(i), limit: 10 });
    if (reply.items.length === 0) empty++;
  });
  results.episodicEmpty = empty;
  results.episodicFiltered = await measure(N_EPISODIC, (i) =>
    request('af.v1.memory.search', { tier: 'episodic', query: pick(terms, i), agent: pick(AGENTS, i), since: '2000-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z', limit: 10 }),
  );
  results.episodicSubject = await measure(N_EPISODIC, (i) => request('af.v1.memory.search', { tier: 'episodic', query: pick(terms, i), subjectId: `customer-${(i * 31) % 1_000}`, limit: 10 }));
  // Semantic: the query is a stored memory reworded (near-duplicate): its own node should rank first.
  const probe = (i) => {
    const k = (i * 104_729) % N;
    return { k, query: memory(k).content.replace(/asked about/, 'wanted to know about').replace(/Ticket \d+\./, '') };
  };
  for (let i = 0; i < 100; i++) await request('af.v1.memory.search', { tier: 'semantic', query: probe(N - 1 - i).query, limit: 10 });
  let firstHit = 0;
  let withNeighbours = 0;
  results.semantic = await measure(N_SEMANTIC, async (i) => {
    const { k, query } = probe(i);
    const reply = await request('af.v1.memory.search', { tier: 'semantic', query, limit: 10 });
    if (reply.items[0]?.id === ids[k]) firstHit++;
    if (reply.items.some((it) => it.neighbours.length > 0)) withNeighbours++;
  });
  results.semanticFirstHit = firstHit;
  results.semanticWithNeighbours = withNeighbours;

  // ---- baselines, same run
  results.baseNats = await measure(N_BASE, () => client.nc.request(echoSubject, new Uint8Array(64), { timeout: 5_000 }));
  await redis.set(`${keyPrefix}baseline`, 'x'.repeat(512));
  results.baseRedis = await measure(N_BASE, () => redis.get(`${keyPrefix}baseline`));
  results.basePg = await measure(N_BASE, (i) => db.query(`SELECT id, content FROM "${schema}".memories WHERE id = $1`, [ids[(i * 7_919) % N]]));
  const session = driver.session();
  results.baseNeo4j = await measure(Math.min(N_BASE, 2_000), () => session.run('RETURN 1'));
  await session.close();
} finally {
  // Every cleanup step runs whatever an earlier one did: a failed cleanup is reported, never loses the measurements.
  const cleanup = async (what, step) => {
    try {
      await step();
    } catch (error) {
      console.error(`bench cleanup: ${what} failed: ${error?.message ?? error}`);
    }
  };
  echo.unsubscribe();
  await cleanup('NATS client', () => client.close());
  await cleanup('Neo4j memories', () => service.app.get(SemanticRepository).deleteTenant(tenant));
  await cleanup('Neo4j run graph', () => service.app.get(RunGraphRepository).deleteTenant(tenant));
  await cleanup('service', () => service.close());
  await cleanup('PostgreSQL schema', () => db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  await cleanup('PostgreSQL client', () => db.end());
  await cleanup('Redis keys', async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    for (let i = 0; i < keys.length; i += 1_000) await redis.del(...keys.slice(i, i + 1_000));
  });
  redis.disconnect();
  await cleanup('Neo4j driver', () => driver.close());
}

// ---------------------------------------------------------------- report
const ms = (v) => (v < 0.1 ? v.toFixed(3) : v.toFixed(2));
const verdict = (s, target) => (s.p99 <= target ? 'met' : '**missed**');
const row = (label, s, target) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${target === undefined ? '' : `≤ ${target} ms`} | ${target === undefined ? '' : verdict(s, target)} |`;
const cpus = os.cpus();
const [l1, l5, l15] = os.loadavg();
const report = `# Agent memory benchmark

Generated by \`npm run bench:memory\` (bench/memory/memory.bench.mjs) on ${new Date().toISOString()}.

Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average ${l1.toFixed(2)} / ${l5.toFixed(2)} / ${l15.toFixed(2)} (1/5/15 min, at the end of the run), Node ${process.version}, ${os.platform()} ${os.release()}.
Stores: PostgreSQL 15, Redis 7, ${neoVersion} (embedded, scripts/neo4j.sh), NATS 2.9 — all on this machine, shared with whatever else ran.

Command: \`npm run bench:memory\` (BENCH_MEMORIES=${N}, BENCH_CONCURRENCY=${CONCURRENCY}).

The memory service runs in-process (its AppModule, own PostgreSQL schema, Redis key prefix and
NATS namespace) and is called over NATS request/reply on its af.v1.memory.* subjects exactly as a
worker or the gateway calls it: every latency below includes one NATS round trip (see the
baseline). Embeddings: the offline hashing embedder (${config.memories.embeddingsDimensions} dimensions), cosine vector index in Neo4j.

## Store (${N} memories, ${CONCURRENCY} requests in flight)

| tier | what one request does | requests | seconds | per second | request p50 / p99 (ms) | service time per item (mean) |
|---|---|---|---|---|---|---|
| episodic + semantic | af.v1.memory.store: PostgreSQL insert (tsvector), entity extraction, embedding, Neo4j write (memory node, entities, relations) | ${results.store.n} | ${results.store.seconds.toFixed(2)} | ${results.store.perSecond.toFixed(0)} | ${ms(results.store.latency.p50)} / ${ms(results.store.latency.p99)} | episodic ${ms(results.storeEpisodicMs)} ms, semantic ${ms(results.storeSemanticMs)} ms |
| working | af.v1.memory.working.put: one Redis Lua script (compare-and-set, window, TTL, subject index) | ${results.working.n} | ${results.working.seconds.toFixed(2)} | ${results.working.perSecond.toFixed(0)} | ${ms(results.working.latency.p50)} / ${ms(results.working.latency.p99)} | ${ms(results.storeWorkingMs)} ms |

Stores the service failed transiently and the bench retried (same idempotency key): ${retried.count} (Neo4j lock timeouts or terminated transactions under concurrent writes; these retries are inside the figures above).\n\nStored: ${results.rows} rows in PostgreSQL, ${results.nodes} memory nodes in Neo4j (both including the 50 warm-up stores).

## Search, one request at a time (milliseconds)

| operation | n | p50 | p99 | max | target (p99) | |
|---|---|---|---|---|---|---|
${row('working: af.v1.memory.working.get (document + window)', results.workingGet, 2)}
${row('episodic: full-text search, ranked, top 10', results.episodic, 20)}
${row('episodic: + agent and time-range filters', results.episodicFiltered, 20)}
${row('episodic: + subject filter', results.episodicSubject, 20)}
${row('semantic: top 10, vector index + graph neighbourhood (one Cypher round trip)', results.semantic, 50)}
${row('baseline: NATS request/reply to a trivial responder', results.baseNats)}
${row('baseline: raw Redis GET (512 bytes)', results.baseRedis)}
${row('baseline: raw PostgreSQL SELECT by primary key', results.basePg)}
${row('baseline: raw Neo4j RETURN 1 (Bolt, one session)', results.baseNeo4j)}

Relevance checks in the same run: episodic searches with no hit: ${results.episodicEmpty} of ${results.episodic.n};
semantic searches whose first hit is the reworded memory itself: ${results.semanticFirstHit} of ${results.semantic.n};
semantic answers with graph neighbours on their hits: ${results.semanticWithNeighbours} of ${results.semantic.n}.
`;
// The hand-written reading of a run (from "## Reading this run" on) is kept; only the measured part above is replaced.
const reportPath = join(root, 'bench', 'reports', 'memory.md');
const previous = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '';
const reading = previous.indexOf('\n## Reading this run');
writeFileSync(reportPath, reading >= 0 ? report + previous.slice(reading) : report);
console.log(report);
const { deleteNamespace } = await import('@af/testing');
await deleteNamespace(process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', process.env['AF_NAMESPACE']);
process.exit(0);

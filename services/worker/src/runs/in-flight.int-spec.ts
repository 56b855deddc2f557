import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId, type TenantId } from '@af/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { consumerLoad, processNamespace } from '@af/messaging';
import { bootstrapService, type RunningService } from '@af/runtime';
import { FakeProvider, startServiceProcess, testTenant, until, type ServiceProcess, startAll } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadWorkerConfig } from '../config.js';
import { connectClient, startCompilationProcess, startOrchestratorProcess } from '../test/harness.js';

/**
 * Runs submitted at once, and the worker's concurrency (issue 13 (f): one worker keeps its runs on
 * the model at once). 300 is past the bounds that used to stop it: the orchestrator's 256 requests
 * in flight and its one-run-at-a-time dispatch. AF_TEST_IN_FLIGHT_RUNS=1000 measures the real figure.
 */
const RUNS = Number(process.env['AF_TEST_IN_FLIGHT_RUNS'] ?? 300);
/** Long enough that every run reaches the model before the first answer, even on a loaded machine. */
const MODEL_DELAY_MS = Number(process.env['AF_TEST_IN_FLIGHT_MODEL_MS'] ?? 20_000);
/** Submissions in flight at once (a client with that many connections, as bench:runs' (f)). */
const SUBMITTERS = 64;

const mib = (m: NodeJS.MemoryUsage) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1_048_576)]));

const slowAgent = (name: string) => ({
  apiVersion: 'agentfactory.io/v1',
  kind: 'AgentBlueprint',
  metadata: { name, description: 'one model turn on a model that answers after a delay' },
  spec: {
    goal: 'Answer at once.',
    governance: { autonomyLevel: 'supervised' },
    triggers: [{ type: 'api' }],
    model: { route: ['slow/m1'], maxCostUsdPerRun: 0.05 },
    prompt: { system: 'You answer at once.', user: 'Job {{input.id}}' },
    output: { schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
  },
});

describe('one worker keeps its runs in flight while each waits on its model (real orchestrator, metering, compilation, NATS, PostgreSQL; a fake OpenAI server answering after 1 s)', () => {
  let compilation: ServiceProcess;
  let orchestrator: ServiceProcess;
  let metering: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let worker: RunningService;
  let fake: FakeProvider;
  const tenant: TenantId = parseTenantId(testTenant());
  let modelInFlight = 0;
  let modelMax = 0;

  beforeAll(async () => {
    const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    [compilation, orchestrator, metering] = await startAll([
      startCompilationProcess(),
      startOrchestratorProcess({ ORCHESTRATOR_TENANT_CONCURRENCY_OVERRIDES: `${tenant}=${RUNS + 100}`, ORCHESTRATOR_TENANT_MAX_QUEUED: String(RUNS + 100) }),
      startServiceProcess('metering', { DATABASE_URL: databaseUrl, ...(process.env['AF_TEST_METERING_MAX_IN_FLIGHT'] ? { NATS_MAX_REQUESTS_IN_FLIGHT: process.env['AF_TEST_METERING_MAX_IN_FLIGHT'] } : {}) }),
    ]);
    client = await connectClient();
    fake = await FakeProvider.start('openai');
    fake.respond = () => {
      modelInFlight++;
      modelMax = Math.max(modelMax, modelInFlight);
      setTimeout(() => modelInFlight--, MODEL_DELAY_MS);
      if (fake.requests.length > 1_000) fake.requests.length = 0;
      return { kind: 'final', text: '{"ok":true}', delayMs: MODEL_DELAY_MS };
    };
    const providers = { slow: { kind: 'openai', baseUrl: fake.baseUrl, maxOutputTokens: 1_000, timeoutMs: 60_000, models: { m1: { inputPerMTok: 0, outputPerMTok: 0 } } } };
    const env = { ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', AF_MODEL_PROVIDERS: JSON.stringify(providers), WORKER_RUN_CONCURRENCY: String(RUNS) };
    const config = loadWorkerConfig(env);
    worker = await bootstrapService({
      service: 'worker',
      ...config,
      http: { ...config.http, port: 0 },
      consumerConcurrency: { 'worker-runs': config.runs.concurrency },
      shutdownGraceMs: config.runs.shutdownGraceMs,
      module: (runtime) => AppModule.forRoot(config, runtime),
    });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await fake?.close();
    await Promise.all([compilation?.stop(), orchestrator?.stop(), metering?.stop()]);
  });

  it(`has all ${RUNS} runs waiting on the model at once, then finishes every one`, async () => {
    const hash = (await client.bus.request('af.v1.compilation.compile', { blueprintName: 'slow-agent', blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(slowAgent('slow-agent')) }, { tenantId: tenant })).artifactHash;
    // Warm: the artifact is fetched and cached, the provider's connection opened.
    expect((await client.outcomeOf(await client.submit(tenant, 'slow-agent', hash, { id: 'warm' }), MODEL_DELAY_MS + 30_000)).kind).toBe('succeeded');
    modelMax = 0;
    // With --expose-gc: the live heap before, and once every run waits on the model (an upper bound of
    // what a held run costs the worker: this process also holds the fake model's open requests);
    // AF_TEST_IN_FLIGHT_HEAP_SNAPSHOT=<file> writes a heap snapshot at that moment.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapHeld = 0;
    const rssBefore = process.memoryUsage().rss;
    let rssMax = rssBefore;
    const jsm = await jetstreamManager(client.nc);
    let heldMax = 0;
    let ackPendingMax = 0;
    const trace: string[] = [];
    const started = performance.now();
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      const held = consumerLoad()['worker-runs']?.held ?? 0;
      heldMax = Math.max(heldMax, held);
      void jsm.consumers.info(processNamespace().streamName('AF_RUNS'), 'worker-runs').then((i) => {
        ackPendingMax = Math.max(ackPendingMax, i.num_ack_pending);
        trace.push(`${Math.round(performance.now() - started)}ms pending=${i.num_pending} ack=${i.num_ack_pending} held=${held} model=${modelInFlight}`);
      }, () => undefined);
    }, 250);
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        while (next < RUNS) {
          const i = next++;
          ids.push(await client.submit(tenant, 'slow-agent', hash, { id: `r-${i}` }));
        }
      }),
    );
    const submittedMs = performance.now() - started;
    if (gc) {
      await until(async () => modelInFlight, (n) => n >= RUNS, MODEL_DELAY_MS).catch(() => undefined);
      const peak = process.memoryUsage();
      gc();
      const live = process.memoryUsage();
      heapHeld = live.heapUsed - heapBefore;
      if (process.env['AF_TEST_IN_FLIGHT_HEAP_SNAPSHOT']) (await import('node:v8')).writeHeapSnapshot(process.env['AF_TEST_IN_FLIGHT_HEAP_SNAPSHOT']);
      if (process.env['AF_TEST_IN_FLIGHT_TRACE']) console.log(JSON.stringify({ peakMiB: mib(peak), afterGcMiB: mib(live) }));
    }
    const outcomes = await Promise.all(ids.map((id) => client.outcomeOf(id, MODEL_DELAY_MS + 120_000)));
    const elapsedMs = performance.now() - started;
    clearInterval(sampler);
    const failed = outcomes.filter((o) => o.kind !== 'succeeded');
    console.log(JSON.stringify({ runs: RUNS, submittedMs: Math.round(submittedMs), elapsedMs: Math.round(elapsedMs), runsPerSecond: +(RUNS / (elapsedMs / 1_000)).toFixed(1), modelMax, heldMax, ackPendingMax, rssGrowthMiB: Math.round((rssMax - rssBefore) / 1_048_576), ...(gc ? { liveHeapKiBPerHeldRun: Math.round(heapHeld / RUNS / 1_024) } : {}), failed: failed.length }));
    if (process.env['AF_TEST_IN_FLIGHT_TRACE']) {
      // When the orchestrator has recorded every outcome (what a client reading the run waits for).
      const succeededHandled = async () => Number(/af_message_handle_duration_seconds_count\{[^}]*subject="af\.v1\.runs\.event\.succeeded"\} (\d+)/.exec(await fetch(`${orchestrator.url}/metrics`).then((r) => r.text()))?.[1] ?? 0);
      await until(succeededHandled, (n) => n >= RUNS + 1, 120_000);
      console.log(`outcomes published after ${Math.round(elapsedMs)} ms, all recorded by the orchestrator after ${Math.round(performance.now() - started)} ms`);
      const handled: string[] = [];
      for (const url of [orchestrator.url, metering.url]) {
        const text = await fetch(`${url}/metrics`).then((r) => r.text());
        for (const line of text.split('\n')) if (/^af_message_handle_duration_seconds_(sum|count)/.test(line) || /outcome="shed"/.test(line)) handled.push(line);
      }
      console.log(`${trace.join('\n')}\n${handled.join('\n')}`);
    }
    expect(failed).toEqual([]);
    expect(modelMax).toBe(RUNS);
    expect(heldMax).toBeGreaterThanOrEqual(RUNS);
  }, 400_000);
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { consumers, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import type { RunningService } from '@af/runtime';
import { dropSchema, leadQualifier, testTenant, uniqueName, until, startAll } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess, startWorker } from '../test/harness.js';
import { SafeFetch } from '../tools/safe-fetch.js';

/**
 * An outside system the tools reach: counts the calls per path and the Idempotency-Key of each;
 * a path can be held (its response waits until released) to interrupt a run in the middle of a step.
 */
class EffectServer {
  readonly calls: { path: string; key: string }[] = [];
  private readonly held = new Map<string, { arrived: Promise<void>; arrive: () => void; release: () => void; released: Promise<void> }>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server?.address() as AddressInfo).port;
  }

  hold(path: string): { arrived: Promise<void>; release: () => void } {
    let arrive = () => undefined as void;
    let release = () => undefined as void;
    const arrived = new Promise<void>((r) => (arrive = r));
    const released = new Promise<void>((r) => (release = r));
    this.held.set(path, { arrived, arrive, release, released });
    return { arrived, release };
  }

  count(path: string): number {
    return this.calls.filter((c) => c.path === path).length;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.calls.push({ path, key: String(req.headers['idempotency-key'] ?? '') });
    const hold = this.held.get(path);
    if (hold) {
      hold.arrive();
      await hold.released;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: this.count(path) }));
  }

  async stop(): Promise<void> {
    for (const h of this.held.values()) h.release();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Two tools, each with one effect outside (a fetch): `first_effect` then `second_effect`, in this order. */
function twoEffects(name: string, port: number) {
  const doc = leadQualifier({ name, allowHosts: ['effects.test'] });
  const tool = (tool: string, path: string) => ({
    name: tool,
    description: `records ${path}`,
    scope: 'internal',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    code: `export default async function () { const r = await fetch("http://effects.test:${port}${path}"); const body = await r.json() as { n: number }; return { score: body.n }; }\n`,
  });
  (doc.spec as { tools: unknown[] }).tools = [tool('first_effect', '/first'), tool('second_effect', '/second')];
  return doc;
}

describe('step journal in the worker: redelivered runs replay stored steps (real orchestrator, compilation, NATS)', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const effects = new EffectServer();
  const tenant = parseTenantId(testTenant());
  const workers: RunningService[] = [];
  // The sandbox's fetch may reach the local effect server as "effects.test" (nothing else changes).
  const fetch = () => new SafeFetch({ maxResponseBytes: 65_536, maxRequestBytes: 65_536, timeoutMs: 20_000, maxRedirects: 0, unsafeAllowAddressesForTests: ['127.0.0.1'] }, async () => [{ address: '127.0.0.1', family: 4 }]);
  const newWorker = async (shutdownGraceMs = 10_000) => {
    const worker = await startWorker({ timeoutMs: 30_000, memoryLimitMb: 32, shutdownGraceMs, fetch: fetch() });
    workers.push(worker);
    return worker;
  };
  const compile = async (doc: ReturnType<typeof twoEffects>) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  const run = (agent: string) => client.bus.request('af.v1.runs.get', { runId: agent }, { tenantId: tenant });

  beforeAll(async () => {
    [compilation, orchestrator] = await startAll([startCompilationProcess(), startOrchestratorProcess(), effects.start()]);
    client = await connectClient();
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.close().catch(() => undefined);
    await effects.stop();
    await client?.close();
    await compilation?.stop();
    await orchestrator?.stop();
  });

  it('a run handed back in the middle of its second tool resumes on another worker without repeating the first tool', async () => {
    const agent = 'two-effects';
    const artifactHash = await compile(twoEffects(agent, effects.port));
    const first = await newWorker(300);
    const second = effects.hold('/second');
    const runId = await client.submit(tenant, agent, artifactHash, { message: 'resume me' });
    await second.arrived;
    // The worker shuts down while the second tool waits: after 300 ms of grace the run is handed back.
    await first.close();
    second.release();
    await newWorker();

    const outcome = await client.outcomeOf(runId, 30_000);
    const counts = { first: effects.count('/first'), second: effects.count('/second') };
    console.log(`handed-back run ${runId}: first tool executed ${counts.first}×, second ${counts.second}×`);
    expect(outcome.kind).toBe('succeeded');
    expect(counts.first).toBe(1);
    // The second tool's effect happened but its completion was not stored: executed again (at least once), with the same key.
    expect(counts.second).toBe(2);
    expect(outcome.kind === 'succeeded' && outcome.event.toolCalls.map((c) => c.tool)).toEqual(['first_effect', 'second_effect']);
    expect(effects.calls).toEqual([
      { path: '/first', key: `${runId}/2` },
      { path: '/second', key: `${runId}/3` },
      { path: '/second', key: `${runId}/3` },
    ]);
    const record = await until(() => run(runId), (r) => r.run?.status === 'succeeded');
    expect(record.run?.status).toBe('succeeded');
  }, 60_000);

  it('a run that became final between two steps makes no further tool call and reports nothing more', async () => {
    const agent = 'two-effects-stopped';
    const artifactHash = await compile(twoEffects(agent, effects.port));
    await newWorker();
    const before = { first: effects.count('/first'), second: effects.count('/second') };
    const hold = effects.hold('/first');
    const runId = await client.submit(tenant, agent, artifactHash, { message: 'stop me' });
    await hold.arrived;
    // The orchestrator records the run as final (as a cancel does) while its first tool runs.
    await client.bus.publish('af.v1.runs.event.failed', { runId, attempt: 1, error: { code: ErrorCode.PreconditionFailed, message: 'stopped by the test' }, atMs: BigInt(Date.now()) }, { msgId: `t-stop-${runId}`, tenantId: tenant });
    await until(() => run(runId), (r) => r.run?.status === 'failed');
    const stream = await (await jetstreamManager(client.nc)).streams.info(processNamespace().streamName('AF_RUNS'));
    hold.release();

    // The worker acks the run once it stopped: wait for the consumer's ack floor to pass it.
    const jsm = await jetstreamManager(client.nc);
    const def = consumers['worker-runs'];
    const info = await until(() => jsm.consumers.info(processNamespace().streamName(def.stream), def.durable), (i) => i.ack_floor.stream_seq >= stream.state.last_seq && i.num_ack_pending === 0, 20_000);
    expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(stream.state.last_seq);
    expect(effects.count('/first') - before.first).toBe(1);
    expect(effects.count('/second') - before.second).toBe(0);
    expect((await run(runId)).run).toMatchObject({ status: 'failed', error: { message: 'stopped by the test' } });
  }, 60_000);

  it('keeps retrying a step completion while the orchestrator is away and stores it once when it returns: no tool runs twice', async () => {
    const agent = 'two-effects-outage';
    const artifactHash = await compile(twoEffects(agent, effects.port));
    // An orchestrator of its own (own schema, kept across its restart), so the shared one is not disturbed.
    const schema = uniqueName('orchestrator_outage_test');
    const env = { ORCHESTRATOR_DB_SCHEMA: schema };
    await orchestrator.stop();
    let own = await startOrchestratorProcess(env);
    try {
      await newWorker();
      const before = { first: effects.count('/first'), second: effects.count('/second') };
      const hold = effects.hold('/first');
      const runId = await client.submit(tenant, agent, artifactHash, { message: 'survive the outage' });
      await hold.arrived;
      // The orchestrator goes away while the first tool runs: its completion cannot be stored.
      await own.stop();
      hold.release();
      // Longer than the worker's request timeout and a few retries: the worker keeps the run in progress.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      own = await startOrchestratorProcess(env);
      const outcome = await client.outcomeOf(runId, 45_000);
      const counts = { first: effects.count('/first') - before.first, second: effects.count('/second') - before.second, deliveries: client.startsOf(runId) };
      console.log(`run ${runId} across an orchestrator outage: first tool ${counts.first}×, second ${counts.second}×, deliveries ${counts.deliveries}`);
      expect(outcome.kind).toBe('succeeded');
      expect(counts).toEqual({ first: 1, second: 1, deliveries: 1 });
      const record = await until(() => run(runId), (r) => r.run?.status === 'succeeded');
      expect(record.run?.status).toBe('succeeded');
    } finally {
      await own.stop();
      await dropSchema(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test', schema);
      orchestrator = await startOrchestratorProcess();
    }
  }, 120_000);
});

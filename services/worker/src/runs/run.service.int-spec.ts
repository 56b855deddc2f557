import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { create, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { Headers, ListEpisodesReplySchema, consumers, parseTenantId, type TenantId } from '@af/contracts';
import { processNamespace } from '@af/messaging';
import { ErrorCode } from '@af/errors';
import type { RunningService } from '@af/runtime';
import { leadQualifier, testTenant, until, startAll } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess, startWorker } from '../test/harness.js';

/** The example blueprint; this test's tool scores a lead by message length + 1. */
const blueprint = (name: string, toolCode = 'export default function ({ message }: { message: string }): { score: number } {\n  return { score: Math.min(100, message.length + 1) };\n}\n') => leadQualifier({ name, toolCode });

describe('worker end to end: real compilation service, real worker, NATS JetStream', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  let worker: RunningService;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());

  const compile = async (doc: ReturnType<typeof blueprint>) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  /** A run submitted through the real orchestrator (which owns runs and their step journal). */
  const execute = (agent: string, artifactHash: string, input: unknown, tenantId: TenantId = tenant) => client.submit(tenantId, agent, artifactHash, input);

  beforeAll(async () => {
    [compilation, orchestrator] = await startAll([startCompilationProcess(), startOrchestratorProcess()]);
    client = await connectClient();
    worker = await startWorker({ timeoutMs: 500, memoryLimitMb: 16 });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await compilation?.stop();
    await orchestrator?.stop();
  });

  it('runs the lead-qualifier: tool in the sandbox, offline model, output valid against the schema', async () => {
    const artifactHash = await compile(blueprint('lead-qualifier'));
    const runId = await execute('lead-qualifier', artifactHash, { message: 'We need 40 seats, budget 50k' });
    const outcome = await client.outcomeOf(runId);
    expect(outcome.kind).toBe('succeeded');
    if (outcome.kind !== 'succeeded') return;
    const output = JSON.parse(outcome.event.outputJson) as { qualified: unknown; score: unknown };
    expect(output).toEqual({ qualified: expect.any(Boolean), score: 29 });
    expect(outcome.event).toMatchObject({ agent: 'lead-qualifier', version: 1, attempt: 1, inputJson: '{"message":"We need 40 seats, budget 50k"}' });
    expect(outcome.event.toolCalls).toMatchObject([{ tool: 'score_lead', argumentsJson: '{"message":"We need 40 seats, budget 50k"}', resultJson: '{"score":29}', error: '' }]);
    expect(outcome.event.usage).toMatchObject({ provider: 'offline', model: 'default', costUsd: 0 });
    expect(outcome.event.usage?.inputTokens).toBeGreaterThan(0);

    // Same input, same artifact: the same output (deterministic), now from the artifact cache.
    const again = await client.outcomeOf(await execute('lead-qualifier', artifactHash, { message: 'We need 40 seats, budget 50k' }));
    expect(again.kind === 'succeeded' && again.event.outputJson).toBe(outcome.event.outputJson);
    const metrics = await fetch(`${await worker.app.getUrl()}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/af_worker_artifact_cache_total\{layer="lru",result="hit",service="worker"\} [1-9]/);
    expect(metrics).toMatch(/af_worker_runs_total\{outcome="succeeded",service="worker"\} [1-9]/);
  });

  it('keeps serving other runs while one tool loops forever and another eats memory', async () => {
    const [good, loop, bomb] = await Promise.all([
      compile(blueprint('lead-good')),
      compile(blueprint('lead-loop', 'export default function () { while (true) {} }')),
      compile(blueprint('lead-bomb', 'export default function () { const hog: string[][] = []; for (;;) hog.push(new Array(100000).fill("xxxxxxxxxxxxxxxx")); }')),
    ]);
    const loopRun = await execute('lead-loop', loop, { message: 'loop' });
    const bombRun = await execute('lead-bomb', bomb, { message: 'bomb' });
    const goodRuns = await Promise.all(Array.from({ length: 4 }, (_, i) => execute('lead-good', good, { message: `lead ${i}` })));

    for (const runId of goodRuns) expect((await client.outcomeOf(runId)).kind).toBe('succeeded');
    const looped = await client.outcomeOf(loopRun);
    expect(looped).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.ToolFailed, path: '/spec/tools/0/code' } } });
    expect(looped.kind === 'failed' && looped.event.error?.message).toMatch(/CPU time limit/);
    const bombed = await client.outcomeOf(bombRun);
    expect(bombed).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.ToolFailed } } });

    // After the kills, the same artifacts get fresh isolates and good runs still pass.
    expect((await client.outcomeOf(await execute('lead-good', good, { message: 'after' }))).kind).toBe('succeeded');
    const metrics = await fetch(`${await worker.app.getUrl()}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/af_worker_sandbox_kills_total\{reason="cpu",service="worker"\} [1-9]/);
  });

  it('contains hostile tool code — each run fails with TOOL_FAILED within its limit while other runs succeed', async () => {
    const hostile: Record<string, string> = {
      'escape-ctor': 'export default function (this: any) { return { score: this.constructor.constructor("return process")().pid }; }',
      'escape-global': 'export default () => { const g = globalThis as any; return { score: g.process.pid + g.require("fs") + g.Buffer }; }',
      'fork-bomb': 'export default () => { const f = (): void => { Promise.resolve().then(f); Promise.resolve().then(f); }; f(); return new Promise(() => {}); }',
      'promise-flood': 'export default async () => { const all: Promise<unknown>[] = []; for (;;) all.push(new Promise((r) => r(all.length))); }',
      'ssrf-metadata': 'export default async () => { const r = await fetch("http://169.254.169.254/latest/meta-data/"); return { score: r.status }; }',
      'ssrf-nats': 'export default async () => { const r = await fetch("http://127.0.0.1:4222"); return { score: r.status }; }',
    };
    const good = await compile(blueprint('lead-fine'));
    const runs: [string, string][] = [];
    for (const [name, code] of Object.entries(hostile)) {
      const doc = blueprint(`lead-${name}`, code);
      (doc.spec as Record<string, unknown>)['network'] = { allowHosts: ['169.254.169.254', '127.0.0.1'] };
      runs.push([name, await execute(`lead-${name}`, await compile(doc), { message: name })]);
    }
    const goodRuns = await Promise.all(Array.from({ length: 3 }, (_, i) => execute('lead-fine', good, { message: `fine ${i}` })));
    for (const runId of goodRuns) expect((await client.outcomeOf(runId)).kind).toBe('succeeded');
    const messages: Record<string, string> = {};
    for (const [name, runId] of runs) {
      const outcome = await client.outcomeOf(runId);
      expect([name, outcome]).toMatchObject([name, { kind: 'failed', event: { error: { code: ErrorCode.ToolFailed, path: '/spec/tools/0/code' } } }]);
      messages[name] = outcome.kind === 'failed' ? (outcome.event.error?.message ?? '') : '';
    }
    expect(messages['escape-ctor']).toContain('process is not defined');
    expect(messages['escape-global']).toMatch(/Cannot read properties of undefined/);
    expect(messages['ssrf-metadata']).toContain('fetch refused: 169.254.169.254 refused');
    expect(messages['ssrf-nats']).toContain('fetch refused: 127.0.0.1 refused');
    expect(messages['fork-bomb']).toMatch(/limit/);
    expect(messages['promise-flood']).toMatch(/limit/);

    // Prototype pollution stays in its call: the second run of the same artifact starts clean.
    const proto = await compile(blueprint('lead-proto', 'export default function () { const before = ({} as any).polluted; (Object.prototype as any).polluted = 1; return { score: before === undefined ? 1 : 99 }; }'));
    for (const i of [1, 2]) {
      const outcome = await client.outcomeOf(await execute('lead-proto', proto, { message: `proto ${i}` }));
      expect(outcome.kind === 'succeeded' && JSON.parse(outcome.event.outputJson)).toMatchObject({ score: 1 });
    }
    expect((await client.outcomeOf(await execute('lead-fine', good, { message: 'after' }))).kind).toBe('succeeded');
    const metrics = await fetch(`${await worker.app.getUrl()}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/af_worker_sandbox_bridge_calls_total\{bridge="fetch",outcome="refused",service="worker"\} [2-9]/);
  });

  it('hands a run back when the platform is away during a tool call — even one that swallows the error — and finishes it once it is back', async () => {
    // The memory service is not running: memory.recall gets no responder (UNAVAILABLE). The tool
    // catches that and would return a result made of the failure; the outcome must not be stored.
    const code = 'export default async () => { let seen = -1; try { seen = (await memory.recall({ query: "q" })).length; } catch { seen = -1; } return { score: seen + 2 }; }';
    const hash = await compile(blueprint('lead-recall-outage', code));
    const runId = await execute('lead-recall-outage', hash, { message: 'outage' });
    await until(async () => client.startsOf(runId), (n) => n >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    // The platform comes back: a memory service answering with one episode.
    const ns = processNamespace();
    const responder = client.nc.subscribe(ns.subject('af.v1.memory.episodes.list'), {
      callback: (_err, msg) => {
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        msg.respond(toBinary(ListEpisodesReplySchema, create(ListEpisodesReplySchema, { episodes: [{ episodeId: 'e1', runId: 'r0', agent: 'lead-recall-outage', version: 1, summary: 's', outcome: 'succeeded', occurredAt: '2026-11-25T00:00:00Z' }] })), { headers: h });
      },
    });
    try {
      const outcome = await client.outcomeOf(runId, 60_000);
      expect(outcome.kind).toBe('succeeded');
      if (outcome.kind !== 'succeeded') return;
      expect(outcome.event.attempt).toBeGreaterThan(1);
      // The stored tool result is the one made once the platform answered (1 episode → score 3), never the swallowed failure's.
      expect(outcome.event.toolCalls).toMatchObject([{ tool: 'score_lead', resultJson: '{"score":3}', error: '' }]);
    } finally {
      responder.unsubscribe();
    }
  }, 90_000);

  it('fails (and acks) a run whose artifact this tenant does not have, and one whose output cannot be valid', async () => {
    // An artifact this tenant does not have can never run: the message is terminated on its first
    // delivery (dead-lettered by the transport), and no start or outcome is reported for the run.
    const artifactHash = await compile(blueprint('lead-qualifier'));
    const foreign = await execute('lead-qualifier', artifactHash, { message: 'x' }, parseTenantId(testTenant()));
    const jsm = await jetstreamManager(client.nc);
    const queued = (await jsm.streams.info(processNamespace().streamName('AF_RUNS'))).state.last_seq;
    const def = consumers['worker-runs'];
    const info = await until(() => jsm.consumers.info(processNamespace().streamName(def.stream), def.durable), (i) => i.ack_floor.stream_seq >= queued, 15_000);
    expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(queued);
    expect(info.num_redelivered).toBe(0);
    expect(client.startsOf(foreign)).toBe(0);

    const bad = blueprint('lead-bad', 'export default function () { return { score: "high" }; }');
    bad.spec.output.schema.properties.score = { type: 'number' };
    (bad.spec.output.schema as { required: string[] }).required = ['qualified', 'score'];
    (bad.spec.output.schema.properties as Record<string, unknown>)['score'] = { type: 'number', minimum: 0, maximum: 100 };
    // The tool's string score does not fit, so a number is synthesized: still valid. A pattern cannot be synthesized:
    (bad.spec.output.schema.properties as Record<string, unknown>)['code'] = { type: 'string', pattern: '^[0-9]{3}$' };
    (bad.spec.output.schema as { required: string[] }).required.push('code');
    const invalid = await client.outcomeOf(await execute('lead-bad', await compile(bad), { message: 'x' }));
    expect(invalid).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.OutputInvalid, path: '/spec/output/schema' } } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import type { RunningService } from '@af/runtime';
import { FakeProvider, hasToolResult, leadQualifier, startServiceProcess, testTenant, type ServiceProcess, startAll } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess, startWorker } from '../test/harness.js';

describe('model attempts are journal steps: a redelivered run does not call a model again for a step it has', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  // Priced providers' calls reserve and settle budgets with the real metering service.
  let metering: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let busy: FakeProvider;
  let oai: FakeProvider;
  const workers: RunningService[] = [];
  const tenant = parseTenantId(testTenant());
  const saved = process.env['AF_MODEL_PROVIDERS'];

  beforeAll(async () => {
    [compilation, orchestrator, metering] = await startAll([startCompilationProcess(), startOrchestratorProcess(), startServiceProcess('metering', { DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' })]);
    client = await connectClient();
    [busy, oai] = await Promise.all([FakeProvider.start('openai'), FakeProvider.start('openai')]);
    const price = { inputPerMTok: 1, outputPerMTok: 1 };
    // startWorker reads the configuration from process.env.
    process.env['AF_MODEL_PROVIDERS'] = JSON.stringify({ busy: { kind: 'openai', baseUrl: busy.baseUrl, models: { m: price } }, oai: { kind: 'openai', baseUrl: oai.baseUrl, models: { m: price } } });
  }, 60_000);

  afterAll(async () => {
    if (saved === undefined) delete process.env['AF_MODEL_PROVIDERS'];
    else process.env['AF_MODEL_PROVIDERS'] = saved;
    for (const w of workers) await w.close().catch(() => undefined);
    await Promise.all([busy?.close(), oai?.close()]);
    await client?.close();
    await compilation?.stop();
    await orchestrator?.stop();
    await metering?.stop();
  });

  it('replays the failed fallback attempt and the served one, and calls again only the attempt that was in flight', async () => {
    busy.respond = () => ({ kind: 'status', status: 429, retryAfter: '3600' });
    oai.respond = (body) => (hasToolResult(body) ? { kind: 'final', text: '{"qualified": true, "score": 7}' } : { kind: 'tools', calls: [{ name: 'score_lead', arguments: { message: 'hello' } }] });
    const doc = leadQualifier({ name: 'lead-redelivered' });
    doc.spec.model = { route: ['busy/m', 'oai/m'], maxCostUsdPerRun: 1 };
    const artifactHash = (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;

    const first = await startWorker({ shutdownGraceMs: 300 });
    workers.push(first);
    // Steps: 1 busy (429), 2 oai (tool call), 3 score_lead, 4 busy (429), 5 oai — held while the worker goes away.
    const held = oai.hold(2);
    const runId = await client.submit(tenant, 'lead-redelivered', artifactHash, { message: 'hello' });
    await held.arrived;
    expect(busy.requests).toHaveLength(2);
    expect(oai.requests).toHaveLength(2);
    await first.close();
    held.release();

    workers.push(await startWorker());
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome.kind).toBe('succeeded');
    if (outcome.kind !== 'succeeded') return;
    // Replayed from the journal: neither 429 is asked again, nor the tool-call turn; only the held call is made again.
    expect(busy.requests).toHaveLength(2);
    expect(oai.requests).toHaveLength(3);
    expect(outcome.event.usage?.calls.map((c) => [c.route, c.outcome])).toEqual([['busy/m', 'rate_limited'], ['oai/m', 'ok'], ['busy/m', 'rate_limited'], ['oai/m', 'ok']]);
    expect(outcome.event.usage?.calls.map((c) => c.stepId.split('/')[1])).toEqual(['1', '2', '4', '5']);
  });
});

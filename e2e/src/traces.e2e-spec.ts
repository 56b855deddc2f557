import { describe, expect, it } from '@jest/globals';
import { leadQualifier, type ReceivedSpan } from '@af/testing';
import { api, createAndDeploy, mintToken, newTenant, until, waitForRun } from './client.js';

/**
 * Issue 14: traces exported end to end. The mesh started by the e2e setup (mesh.global-setup.ts)
 * exports every service's spans as OTLP/HTTP protobuf to a stand-in collector (OtlpReceiver from
 * @af/testing, batches every 200 ms); this test reads what it received back by trace id.
 */

const otlpUrl = () => {
  const url = process.env['AF_E2E_OTLP_URL'];
  if (!url) throw new Error('these tests need the mesh started by the e2e setup (exporting to its OTLP receiver): stop your own mesh (npm run mesh:down) and run them again');
  return url;
};

async function received(traceId: string): Promise<{ spans: ReceivedSpan[]; rejected: number }> {
  const res = await fetch(`${otlpUrl()}/__spans?traceId=${traceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { spans: ReceivedSpan[]; rejected: number };
}

const SERVER = 2;
const CLIENT = 3;

describe('traces through the mesh', () => {
  it('finds one trace with spans from the gateway, orchestrator, worker (model, tool and memory steps) and memory service', async () => {
    const token = await mintToken({ tenant: newTenant() });
    const doc = leadQualifier({ name: 'traced' });
    // Episodic memory: the worker's memory step asks the memory service (af.v1.memory.search) inside the run's trace.
    (doc.spec as Record<string, unknown>)['context'] = { memory: { episodic: { lookback: '30d' } } };
    await createAndDeploy(token, doc);
    const submitted = await api('POST', '/v1/agents/traced/runs', { token, body: { input: { message: 'traced lead from ACME' } } });
    expect(submitted.status).toBe(202);
    const run = await waitForRun(token, String(submitted.body['runId']));
    expect(run.body).toMatchObject({ status: 'succeeded' });
    const traceId = String(run.body['traceId']);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(submitted.headers.get('x-trace-id')).toBe(traceId);

    const wanted = ['gateway', 'orchestrator', 'worker', 'memory'];
    const hasSteps = (spans: ReceivedSpan[]) => ['model', 'tool', 'memory'].every((kind) => spans.some((s) => s.service === 'worker' && s.attributes['af.step.kind'] === kind));
    const { spans, rejected } = await until(
      () => received(traceId),
      (r) => wanted.every((service) => r.spans.some((s) => s.service === service)) && hasSteps(r.spans),
      15_000,
    );
    expect(rejected).toBe(0);
    expect([...new Set(spans.map((s) => s.service))]).toEqual(expect.arrayContaining(wanted));
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    const ids = new Set(spans.map((s) => s.spanId));
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    // The gateway's request span: the submission's HTTP server span.
    expect(spans).toContainEqual(expect.objectContaining({ service: 'gateway', kind: SERVER, name: 'HTTP POST /v1/agents/:name/runs', attributes: expect.objectContaining({ 'http.status_code': 202 }) }));
    // The gateway asks the orchestrator over NATS: a client span with the messaging conventions, answered by an orchestrator server span under it.
    const submit = spans.find((s) => s.service === 'gateway' && s.kind === CLIENT && s.attributes['messaging.system'] === 'nats');
    expect(submit?.attributes['messaging.destination.name']).toEqual(expect.stringMatching(/^af\.v1\./));
    expect(spans).toContainEqual(expect.objectContaining({ service: 'orchestrator', kind: SERVER, parentSpanId: submit?.spanId, attributes: expect.objectContaining({ 'messaging.operation.type': 'process' }) }));

    // The worker's steps: child spans, each under a worker span of this trace.
    const steps = spans.filter((s) => s.service === 'worker' && s.name.startsWith('step '));
    const tool = steps.find((s) => s.attributes['af.step.kind'] === 'tool');
    expect(tool).toMatchObject({ name: 'step tool score_lead', attributes: expect.objectContaining({ 'af.run.id': run.body['runId'], 'af.step.replayed': false }) });
    expect(steps.find((s) => s.attributes['af.step.kind'] === 'model')?.name).toMatch(/^step model offline\//);
    for (const step of steps) {
      expect(ids.has(step.parentSpanId)).toBe(true);
      expect(byId.get(step.parentSpanId)?.service).toBe('worker');
    }

    // The memory step's search reaches the memory service: its server span's parent is the worker's request span, under the memory step.
    const memoryStep = steps.find((s) => s.attributes['af.step.kind'] === 'memory' && s.attributes['af.step.name'] === 'memory.load');
    const search = spans.find((s) => s.service === 'memory' && s.kind === SERVER && s.attributes['messaging.destination.name'] === 'af.v1.memory.search');
    expect(search).toBeDefined();
    const request = byId.get(search?.parentSpanId ?? '');
    expect(request).toMatchObject({ service: 'worker', kind: CLIENT, parentSpanId: memoryStep?.spanId });
  });
});

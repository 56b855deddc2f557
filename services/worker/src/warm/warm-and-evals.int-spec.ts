import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema, activeDeploymentKey, kvBuckets, parseTenantId } from '@af/contracts';
import { KvBuckets } from '@af/messaging';
import type { RunningService } from '@af/runtime';
import { leadQualifier, testTenant, until } from '@af/testing';
import { connectClient, startCompilationProcess, startWorker } from '../test/harness.js';
import { ArtifactWarmer } from './artifact-warmer.js';

/** The example blueprint with evals; its tool scores a lead by message.length. */
const withEvals = (name: string, evals: unknown[], extraTool?: object) => {
  const doc = leadQualifier({ name });
  return { ...doc, spec: { ...doc.spec, evals, ...(extraTool ? { tools: [...doc.spec.tools, extraTool] } : {}) } };
};

describe('worker warm-up, registry watch and evals: real compilation service, real worker, NATS', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let worker: RunningService;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());

  const compile = async (doc: { metadata: { name: string }; [key: string]: unknown }) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  const metrics = async () => fetch(`${await worker.app.getUrl()}/metrics`).then((r) => r.text());

  beforeAll(async () => {
    compilation = await startCompilationProcess();
    client = await connectClient();
    worker = await startWorker({ timeoutMs: 2_000, memoryLimitMb: 32 });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await compilation?.stop();
  });

  it('answers af.v1.workers.artifacts.warm: fetched the first time, warm the second', async () => {
    const artifactHash = await compile(withEvals('warm-me', []));
    const first = await client.bus.request('af.v1.workers.artifacts.warm', { agent: 'warm-me', version: 1, artifactHash }, { tenantId: tenant });
    expect(first).toMatchObject({ artifactHash, fetched: true, workerId: expect.any(String) });
    expect(first.warmedInMs).toBeGreaterThan(0);
    const again = await client.bus.request('af.v1.workers.artifacts.warm', { agent: 'warm-me', version: 1, artifactHash }, { tenantId: tenant });
    expect(again).toMatchObject({ artifactHash, fetched: false });
    expect(await metrics()).toMatch(/af_worker_artifacts_warmed_total\{reason="request",outcome="fetched",service="worker"\} 1/);
    // An artifact this tenant does not have: NOT_FOUND, nothing warmed.
    await expect(client.bus.request('af.v1.workers.artifacts.warm', { agent: 'x', version: 1, artifactHash: `sha256:${'0'.repeat(64)}` }, { tenantId: tenant })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.bus.request('af.v1.workers.artifacts.warm', { agent: 'x', version: 1, artifactHash: 'nope' }, { tenantId: tenant })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: '/artifactHash' });
  });

  it('warms the new artifact of a registry entry when it changes (active and canary)', async () => {
    const warmer = worker.app.get(ArtifactWarmer);
    const kv = await new KvBuckets(client.nc).get(kvBuckets.activeDeployments);
    const key = activeDeploymentKey(tenant, 'watched');
    const [v1, v2] = [await compile(withEvals('watched', [])), await compile({ ...withEvals('watched', []), spec: { ...withEvals('watched', []).spec, goal: 'Version two.' } })];
    expect(v1).not.toBe(v2);
    await kv.put(key, toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd1', agent: 'watched', version: 1, artifactHash: v1, activatedAtMs: 1n })));
    const warmedByWatch = async () => Number(/af_worker_artifacts_warmed_total\{reason="watch",outcome="fetched",service="worker"\} (\d+)/.exec(await metrics())?.[1] ?? 0);
    await until(warmedByWatch, (n) => n >= 1, 10_000);
    // A canary of v2: v2 is warmed now, before any run reaches it.
    await kv.put(key, toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: 'd1', agent: 'watched', version: 1, artifactHash: v1, activatedAtMs: 1n, canary: { deploymentId: 'd2', version: 2, artifactHash: v2, percent: 10 } })));
    await until(warmedByWatch, (n) => n >= 2, 10_000);
    // Both are warm: a warm request finds them without fetching.
    expect((await warmer.warm(tenant, v2, 'request')).fetched).toBe(false);
    expect((await warmer.warm(tenant, v1, 'request')).fetched).toBe(false);
  });

  it('runs the evals like runs and reports each case, with the failure text of an expectation that does not hold', async () => {
    const message = 'We need 40 seats, budget 50k';
    const doc = withEvals('graded', [
      { name: 'score by length', input: { message }, expect: { score: message.length, $schema: { type: 'object', required: ['qualified'] } } },
      { name: 'too demanding', input: { message }, expect: { $predicates: [{ path: '/score', op: 'gte', value: 90 }] } },
      { name: 'bad input', input: { notMessage: 1 }, expect: {} },
    ]);
    const artifactHash = await compile({ ...doc, spec: { ...doc.spec, input: { schema: { type: 'object', required: ['message'] } } } });
    const { report } = await client.bus.request('af.v1.workers.evals.run', { agent: 'graded', version: 1, artifactHash }, { tenantId: tenant });
    expect(report).toMatchObject({ agent: 'graded', version: 1, artifactHash, passed: false, total: 3, failed: 2 });
    expect(report!.cases[0]).toMatchObject({ name: 'score by length', passed: true, failures: [], error: '' });
    expect(JSON.parse(report!.cases[0]!.outputJson)).toMatchObject({ score: message.length });
    expect(report!.cases[1]).toMatchObject({ name: 'too demanding', passed: false, failures: [`/score: expected gte 90, got ${message.length}`], error: '' });
    expect(report!.cases[2]).toMatchObject({ name: 'bad input', passed: false, error: expect.stringMatching(/^INVALID_ARGUMENT: input does not match/) });
    expect(await metrics()).toMatch(/af_worker_eval_cases_total\{outcome="passed",service="worker"\} 1/);
  });
});

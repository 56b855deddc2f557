import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { parseTenantId, type RunToken, type TenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { bootstrapService, type RunningService } from '@af/runtime';
import { FakeProvider, hasToolResult, leadQualifier, startServiceProcess, testTenant, until, type Behaviour, type ServiceProcess, startAll } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadWorkerConfig } from '../config.js';
import { connectClient, startCompilationProcess, startOrchestratorProcess, type RunOutcome } from '../test/harness.js';

const PRICE = { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 };
/** Each call's worst case: its prompt (a few hundred tokens) + 1 000 output tokens at 8 USD/MTok ≈ 0.0085 USD. */
const MAX_OUTPUT_TOKENS = 1_000;
/** What one call really costs (the fake's usage: 1 000 input of which 400 cached, 200 output). */
const CALL_COST = ((1_000 - 400) * PRICE.inputPerMTok + 400 * PRICE.cachedInputPerMTok + 200 * PRICE.outputPerMTok) / 1_000_000;
const FINAL = JSON.stringify({ qualified: true, score: 16 });
const PREAMBLE = 'I will score the lead first.';

const agentLike = (body: Record<string, unknown>): Behaviour =>
  hasToolResult(body) ? { kind: 'final', text: FINAL } : { kind: 'tools', text: PREAMBLE, calls: [{ name: 'score_lead', arguments: { message: 'We need 40 seats' } }] };

const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };

describe('budgets before every priced model call, settlement and token streaming (real metering, orchestrator, compilation, NATS, PostgreSQL; fake OpenAI server)', () => {
  let compilation: ServiceProcess;
  let orchestrator: ServiceProcess;
  let metering: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let worker: RunningService;
  let fake: FakeProvider;

  const compile = async (tenant: TenantId, name: string, maxCostUsdPerRun: number) => {
    const doc = leadQualifier({ name });
    doc.spec.model = { route: ['oai/gpt-test'], maxCostUsdPerRun };
    return (await client.bus.request('af.v1.compilation.compile', { blueprintName: name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  };
  const submit = async (tenant: TenantId, name: string, maxCostUsdPerRun = 1) => client.submit(tenant, name, await compile(tenant, name, maxCostUsdPerRun), { message: 'We need 40 seats' });
  const putBudget = (tenant: TenantId, limitUsd: number) => client.bus.request('af.v1.budgets.put', { scope: 'tenant', agent: '', period: 'day', limitUsd, caller: admin }, { tenantId: tenant });
  const stored = (tenant: TenantId, runId: string) => until(() => client.bus.request('af.v1.runs.get', { runId }, { tenantId: tenant }), (r) => r.run?.status === 'succeeded' || r.run?.status === 'failed');
  const metrics = async () => fetch(`${await worker.app.getUrl()}/metrics`).then((r) => r.text());

  beforeAll(async () => {
    [compilation, orchestrator, metering] = await startAll([
      startCompilationProcess(),
      startOrchestratorProcess(),
      startServiceProcess('metering', { DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' }),
    ]);
    client = await connectClient();
    fake = await FakeProvider.start('openai');
    const providers = { oai: { kind: 'openai', baseUrl: fake.baseUrl, maxOutputTokens: MAX_OUTPUT_TOKENS, models: { 'gpt-test': PRICE } } };
    const env = { ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', AF_MODEL_PROVIDERS: JSON.stringify(providers), WORKER_STREAM_FLUSH_MS: '5', WORKER_STREAM_FLUSH_BYTES: '8' };
    const config = loadWorkerConfig(env);
    worker = await bootstrapService({
      service: 'worker',
      ...config,
      http: { ...config.http, port: 0 },
      consumerConcurrency: { 'worker-runs': config.runs.concurrency },
      shutdownGraceMs: config.runs.shutdownGraceMs,
      module: (runtime) => AppModule.forRoot(config, runtime),
    });
  }, 90_000);

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await fake?.close();
    await Promise.all([compilation?.stop(), orchestrator?.stop(), metering?.stop()]);
  });

  beforeEach(() => {
    fake.requests.length = 0;
    fake.respond = agentLike;
  });

  it('refuses a call a tenant budget cannot hold BEFORE it is made: no request reaches the provider, the run fails BUDGET_EXCEEDED naming the budget and the estimate', async () => {
    const tenant = parseTenantId(testTenant());
    await putBudget(tenant, 0.005);
    const runId = await submit(tenant, 'lead-broke');
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.BudgetExceeded, path: '/spec/model/route/0' } } });
    if (outcome.kind !== 'failed') return;
    expect(fake.requests).toHaveLength(0);
    expect(outcome.event.error?.message).toMatch(/the tenant's daily budget of 0\.005 USD would be exceeded: spent 0 USD \+ reserved 0 USD \+ this call's worst-case estimate 0\.00\d+ USD \(\d+ prompt tokens \+ 1000 max output tokens of oai\/gpt-test\)/);
    const details = (JSON.parse(outcome.event.error?.detailsJson ?? '{}') as { details: Record<string, unknown> }).details;
    expect(details).toMatchObject({ scope: 'tenant', period: 'day', limitUsd: 0.005, spentUsd: 0, reservedUsd: 0, maxOutputTokens: MAX_OUTPUT_TOKENS, route: 'oai/gpt-test' });
    expect(details['estimateUsd']).toBeGreaterThan(0.008);
    expect(details['estimatedInputTokens']).toBeGreaterThan(20);
    // The failed run's record shows the refused attempt (it cost nothing).
    const run = (await stored(tenant, runId)).run;
    expect(run?.usage?.calls.map((c) => [c.route, c.outcome, c.costUsd])).toEqual([['oai/gpt-test', 'budget_exceeded', 0]]);
    expect(await metrics()).toMatch(/af_model_budget_refusals_total\{scope="tenant",service="worker"\} [1-9]/);
  });

  it('lets only one of two concurrent runs through a tenant budget that holds one, and the usage ledger sums exactly the calls made', async () => {
    const tenant = parseTenantId(testTenant());
    // One run (2 calls: the first settled at its real cost before the second reserves) fits; two first calls reserved together do not.
    await putBudget(tenant, 0.0125);
    const held = fake.hold(1);
    const [a, b] = await Promise.all([submit(tenant, 'lead-a'), submit(tenant, 'lead-b')]);
    await held.arrived;
    // While the first call is held at the provider, the other run's reservation is refused.
    const refused = await Promise.any([client.outcomeOf(a, 30_000), client.outcomeOf(b, 30_000)]);
    held.release();
    const outcomes = await Promise.all([client.outcomeOf(a, 30_000), client.outcomeOf(b, 30_000)]);
    expect(refused).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.BudgetExceeded } } });
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['failed', 'succeeded']);
    const served = outcomes.find((o): o is Extract<RunOutcome, { kind: 'succeeded' }> => o.kind === 'succeeded')!;
    expect(fake.requests).toHaveLength(2);
    expect(served.event.usage?.costUsd).toBeCloseTo(2 * CALL_COST, 12);

    const usage = await until(() => client.bus.request('af.v1.usage.query', { groupBy: 'agent', from: '', to: '', agent: '' }, { tenantId: tenant }), (r) => Number(r.total?.calls ?? 0) >= 2);
    expect(Number(usage.total?.calls)).toBe(served.event.usage?.calls.length);
    expect(Number(usage.total?.inputTokens)).toBe(served.event.usage?.inputTokens);
    expect(Number(usage.total?.outputTokens)).toBe(served.event.usage?.outputTokens);
    expect(Number(usage.total?.cachedInputTokens)).toBe(served.event.usage?.cachedInputTokens);
    expect(usage.total?.costUsd).toBeCloseTo(served.event.usage?.costUsd ?? -1, 12);
    const budget = (await client.bus.request('af.v1.budgets.list', { agent: '' }, { tenantId: tenant })).items.find((x) => x.scope === 'tenant' && x.period === 'day');
    expect(budget?.spentUsd).toBeCloseTo(2 * CALL_COST, 12);
    expect(budget?.reservedUsd).toBeCloseTo(0, 12);
  });

  it("refuses a call that would take the run past its maxCostUsdPerRun (spent so far + the call's worst case); the failed run reports what it cost", async () => {
    const tenant = parseTenantId(testTenant());
    // First call: ~0.0085 worst case fits 0.011; second: 0.003 spent + ~0.0085 does not.
    const runId = await submit(tenant, 'lead-capped', 0.011);
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.BudgetExceeded, path: '/spec/model/maxCostUsdPerRun' } } });
    if (outcome.kind !== 'failed') return;
    expect(fake.requests).toHaveLength(1);
    expect(outcome.event.error?.message).toMatch(/the run budget \(maxCostUsdPerRun 0\.011 USD\) would be exceeded: spent 0\.003 USD \+ this call's worst-case estimate/);
    expect(JSON.parse(outcome.event.error?.detailsJson ?? '{}')).toMatchObject({ details: { scope: 'run', limitUsd: 0.011, spentUsd: CALL_COST } });
    // RunFailed.usage: the call made before the refusal, stored on the run like a succeeded run's.
    expect(outcome.event.usage?.costUsd).toBeCloseTo(CALL_COST, 12);
    expect(outcome.event.usage?.calls.map((c) => c.outcome)).toEqual(['ok', 'budget_exceeded']);
    const run = (await stored(tenant, runId)).run;
    expect(run?.status).toBe('failed');
    expect(run?.usage?.costUsd).toBeCloseTo(CALL_COST, 12);
    expect(run?.usage?.inputTokens).toBe(1_000);
    const usage = await until(() => client.bus.request('af.v1.usage.query', { groupBy: 'model', from: '', to: '', agent: '' }, { tenantId: tenant }), (r) => Number(r.total?.calls ?? 0) >= 1);
    expect(usage.rows.map((r) => [r.key, Number(r.calls)])).toEqual([['oai/gpt-test', 1]]);
    expect(await metrics()).toMatch(/af_model_budget_refusals_total\{scope="run",service="worker"\} [1-9]/);
  });

  it('streams the answer text on af.v1.runs.tokens.<runId> as it arrives: in order, per step, concatenating to the streamed text', async () => {
    const tenant = parseTenantId(testTenant());
    const held = fake.hold(1);
    const runId = await submit(tenant, 'lead-streamed');
    const tokens: RunToken[] = [];
    const stop = client.bus.listen('af.v1.runs.tokens', runId, tenant, (t) => tokens.push(t));
    // Listening before the first call answers (the fake holds it).
    await held.arrived;
    held.release();
    const outcome = await client.outcomeOf(runId, 30_000);
    stop();
    expect(outcome.kind).toBe('succeeded');
    if (outcome.kind !== 'succeeded') return;
    const [first, second] = outcome.event.usage?.calls.map((c) => c.stepId) ?? [];
    const textOf = (stepId: string | undefined) => {
      const chunks = tokens.filter((t) => t.stepId === stepId);
      expect(chunks.map((t) => t.index)).toEqual(chunks.map((_, i) => i));
      return chunks.map((t) => t.text).join('');
    };
    await until(async () => textOf(second), (text) => text === FINAL);
    expect(textOf(first)).toBe(PREAMBLE);
    expect(textOf(second)).toBe(FINAL);
    expect(tokens.every((t) => t.runId === runId && t.route === 'oai/gpt-test')).toBe(true);
    // Coalesced into chunks of about WORKER_STREAM_FLUSH_BYTES (8), not one message per character.
    expect(tokens.length).toBeLessThan(PREAMBLE.length + FINAL.length);
    expect(await metrics()).toMatch(/af_worker_tokens_streamed_bytes_total\{provider="oai",service="worker"\} [1-9]/);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { bootstrapService, type RunningService } from '@af/runtime';
import { FakeProvider, hasToolResult, leadQualifier, startSecretsProcess, startServiceProcess, testTenant, until, type Behaviour, type ServiceProcess, startAll } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadWorkerConfig } from '../config.js';
import { connectClient, startCompilationProcess, startOrchestratorProcess, type RunOutcome } from '../test/harness.js';

const PRICE = { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 };
const TIMEOUT_MS = 400;

/** A model that calls score_lead with the lead's message, then answers from the tool's result. */
const agentLike = (body: Record<string, unknown>): Behaviour => {
  if (!hasToolResult(body)) return { kind: 'tools', text: 'I will score the lead first.', calls: [{ name: 'score_lead', arguments: { message: 'We need 40 seats' } }] };
  return { kind: 'final', text: JSON.stringify({ qualified: true, score: 16 }) };
};

describe('model providers over their wire protocols (local fake servers), the router and its circuit breakers', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  // Priced providers' calls reserve and settle budgets with the real metering service.
  let metering: ServiceProcess;
  // A tenant's own provider keys live in the secrets service (apiKeySecret).
  let secrets: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let worker: RunningService;
  const fakes: Record<'oai' | 'claude' | 'busy' | 'dead' | 'broken' | 'sloppy' | 'mangled', FakeProvider> = {} as never;
  const tenant = parseTenantId(testTenant());

  const run = async (name: string, route: string[], input: unknown = { message: 'We need 40 seats' }, as = tenant): Promise<RunOutcome> => {
    const doc = leadQualifier({ name });
    doc.spec.model = { route, maxCostUsdPerRun: 1 };
    const artifactHash = (await client.bus.request('af.v1.compilation.compile', { blueprintName: name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: as })).artifactHash;
    return client.outcomeOf(await client.submit(as, name, artifactHash, input), 20_000);
  };
  const metrics = async () => fetch(`${await worker.app.getUrl()}/metrics`).then((r) => r.text());

  beforeAll(async () => {
    [compilation, orchestrator, metering, secrets] = await startAll([
      startCompilationProcess(),
      startOrchestratorProcess(),
      startServiceProcess('metering', { DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' }),
      startSecretsProcess(),
    ]);
    client = await connectClient();
    fakes.oai = await FakeProvider.start('openai');
    fakes.claude = await FakeProvider.start('anthropic');
    fakes.busy = await FakeProvider.start('openai');
    fakes.dead = await FakeProvider.start('openai');
    fakes.broken = await FakeProvider.start('anthropic');
    fakes.sloppy = await FakeProvider.start('openai');
    fakes.mangled = await FakeProvider.start('openai');
    const providers = {
      oai: { kind: 'openai', baseUrl: fakes.oai.baseUrl, apiKeyEnv: 'FAKE_OPENAI_KEY', apiKeySecret: 'own-openai-key', models: { 'gpt-test': PRICE } },
      claude: { kind: 'anthropic', baseUrl: fakes.claude.baseUrl, apiKeyEnv: 'FAKE_ANTHROPIC_KEY', apiKeySecret: 'own-anthropic-key', models: { 'claude-test': PRICE } },
      busy: { kind: 'openai', baseUrl: fakes.busy.baseUrl, models: { m: PRICE } },
      dead: { kind: 'openai', baseUrl: fakes.dead.baseUrl, timeoutMs: TIMEOUT_MS, models: { m: PRICE } },
      broken: { kind: 'anthropic', baseUrl: fakes.broken.baseUrl, models: { m: PRICE } },
      sloppy: { kind: 'openai', baseUrl: fakes.sloppy.baseUrl, models: { m: { inputPerMTok: 0, outputPerMTok: 0 } } },
      mangled: { kind: 'openai', baseUrl: fakes.mangled.baseUrl, models: { m: PRICE } },
    };
    const env = { ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', AF_MODEL_PROVIDERS: JSON.stringify(providers), FAKE_OPENAI_KEY: 'sk-fake-openai', FAKE_ANTHROPIC_KEY: 'sk-fake-anthropic', MODEL_BREAKER_FAILURES: '2', MODEL_BREAKER_COOLDOWN_MS: '600000', MODEL_RETRY_AFTER_MAX_MS: '500' };
    const config = loadWorkerConfig(env);
    worker = await bootstrapService({
      service: 'worker',
      ...config,
      http: { ...config.http, port: 0 },
      consumerConcurrency: { 'worker-runs': config.runs.concurrency },
      shutdownGraceMs: config.runs.shutdownGraceMs,
      module: (runtime) => AppModule.forRoot(config, runtime),
    });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await Promise.all(Object.values(fakes).map((f) => f?.close()));
    await compilation?.stop();
    await orchestrator?.stop();
    await metering?.stop();
    await secrets?.stop();
  });

  beforeEach(() => {
    for (const fake of Object.values(fakes)) {
      fake.requests.length = 0;
      fake.respond = agentLike;
    }
  });

  const expectedCost = (calls: number) => (calls * ((1_000 - 400) * PRICE.inputPerMTok + 400 * PRICE.cachedInputPerMTok + 200 * PRICE.outputPerMTok)) / 1_000_000;

  it.each([
    ['OpenAI-compatible', 'oai', 'gpt-test', 'Bearer sk-fake-openai'],
    ['Anthropic Messages', 'claude', 'claude-test', 'Bearer sk-fake-anthropic'],
  ] as const)('runs an agent with a tool through %s: streamed tool call, tool in the sandbox, streamed final answer, usage and cost from the price table', async (_label, provider, model, authorization) => {
    const outcome = await run(`lead-${provider}`, [`${provider}/${model}`]);
    expect(outcome.kind).toBe('succeeded');
    if (outcome.kind !== 'succeeded') return;
    expect(JSON.parse(outcome.event.outputJson)).toEqual({ qualified: true, score: 16 });
    // The tool ran with the arguments the model streamed in pieces; its result went back to the model.
    expect(outcome.event.toolCalls).toMatchObject([{ tool: 'score_lead', argumentsJson: '{"message":"We need 40 seats"}', resultJson: '{"score":16}', error: '' }]);
    const fake = fakes[provider];
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.headers['authorization']).toBe(authorization);
    const first = fake.requests[0]?.body ?? {};
    expect(first).toMatchObject({ model, stream: true });
    if (provider === 'oai') {
      expect(first).toMatchObject({ tools: [{ type: 'function', function: { name: 'score_lead', parameters: { required: ['message'] } } }], response_format: { type: 'json_schema', json_schema: { schema: { required: ['qualified'] } } } });
      expect(JSON.stringify(fake.requests[1]?.body['messages'])).toContain('"role":"tool","tool_call_id":"call_0","content":"{\\"score\\":16}"');
    } else {
      expect(first).toMatchObject({ tools: [{ name: 'score_lead', input_schema: { type: 'object', required: ['message'] } }], output_config: { format: { type: 'json_schema' } } });
      expect(String(first['system'])).toContain('You qualify leads for Acme.');
      expect(JSON.stringify(fake.requests[1]?.body['messages'])).toContain('{"type":"tool_result","tool_use_id":"toolu_1","content":"{\\"score\\":16}"}');
    }
    expect(outcome.event.usage).toMatchObject({ provider, model, inputTokens: 2_000, outputTokens: 400, cachedInputTokens: 800 });
    expect(outcome.event.usage?.costUsd).toBeCloseTo(expectedCost(2), 10);
    expect(outcome.event.usage?.calls.map((c) => [c.route, c.outcome])).toEqual([[`${provider}/${model}`, 'ok'], [`${provider}/${model}`, 'ok']]);
    expect(await metrics()).toMatch(new RegExp(`af_worker_model_calls_total\\{provider="${provider}",model="${model}",outcome="ok",service="worker"\\} [2-9]`));
  });

  it("calls with a tenant's own key (a secret named by apiKeySecret) when it has one, else with the configured key; the key is on no record", async () => {
    const own = parseTenantId(testTenant());
    await client.bus.request('af.v1.secrets.put', { name: 'own-openai-key', value: 'sk-tenant-own-openai', caller: { subject: 'admin@acme.test' } }, { tenantId: own });
    await client.bus.request('af.v1.secrets.put', { name: 'own-anthropic-key', value: 'sk-tenant-own-anthropic', caller: { subject: 'admin@acme.test' } }, { tenantId: own });
    const viaOpenAi = await run('own-key-oai', ['oai/gpt-test'], undefined, own);
    const viaAnthropic = await run('own-key-claude', ['claude/claude-test'], undefined, own);
    expect([viaOpenAi.kind, viaAnthropic.kind]).toEqual(['succeeded', 'succeeded']);
    expect(fakes.oai.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer sk-tenant-own-openai', 'Bearer sk-tenant-own-openai']);
    expect(fakes.claude.requests.map((r) => r.headers['x-api-key'])).toEqual(['sk-tenant-own-anthropic', 'sk-tenant-own-anthropic']);
    expect(JSON.stringify([viaOpenAi, viaAnthropic], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('sk-tenant-own');
    // Another tenant without the secret: the configured key.
    fakes.oai.requests.length = 0;
    expect((await run('default-key-oai', ['oai/gpt-test'])).kind).toBe('succeeded');
    expect(fakes.oai.requests[0]?.headers['authorization']).toBe('Bearer sk-fake-openai');
  });

  it('falls back from a provider answering 429 with a long retry-after to the next entry; both attempts are on the run', async () => {
    fakes.busy.respond = () => ({ kind: 'status', status: 429, retryAfter: '60' });
    const outcome = await run('lead-fallback', ['busy/m', 'oai/gpt-test']);
    expect(outcome.kind).toBe('succeeded');
    if (outcome.kind !== 'succeeded') return;
    // Each of the two model turns tries busy (429, not waited for: 60 s is too long) then oai.
    expect(fakes.busy.requests).toHaveLength(2);
    expect(fakes.oai.requests).toHaveLength(2);
    const calls = outcome.event.usage?.calls ?? [];
    expect(calls.map((c) => [c.route, c.outcome])).toEqual([['busy/m', 'rate_limited'], ['oai/gpt-test', 'ok'], ['busy/m', 'rate_limited'], ['oai/gpt-test', 'ok']]);
    expect(calls[0]?.error).toMatch(/429/);
    expect(calls[0]?.costUsd).toBe(0);
    expect(calls.every((c) => /^.+\/\d+$/.test(c.stepId))).toBe(true);
    expect(new Set(calls.map((c) => c.stepId)).size).toBe(4);
    // Usage is the sum over the attempts (the 429s cost nothing).
    expect(outcome.event.usage?.costUsd).toBeCloseTo(expectedCost(2), 10);
    expect(await metrics()).toMatch(/af_worker_model_fallbacks_total\{provider="busy",reason="rate_limited",service="worker"\} [2-9]/);
    // The run record (what GET /v1/runs/{id} shows) keeps every attempt too.
    const stored = await until(() => client.bus.request('af.v1.runs.get', { runId: outcome.event.runId }, { tenantId: tenant }), (r) => r.run?.status === 'succeeded');
    expect(stored.run?.usage?.calls.map((c) => [c.route, c.outcome])).toEqual(calls.map((c) => [c.route, c.outcome]));
    expect(stored.run?.usage).toMatchObject({ provider: 'oai', cachedInputTokens: 800 });
  });

  it('waits out a short retry-after and retries the same entry once', async () => {
    fakes.busy.respond = (body, n) => (n % 2 === 1 ? { kind: 'status', status: 429, retryAfter: '0.2' } : agentLike(body));
    const outcome = await run('lead-retry-after', ['busy/m', 'oai/gpt-test']);
    expect(outcome.kind).toBe('succeeded');
    expect(fakes.busy.requests).toHaveLength(4);
    expect(fakes.oai.requests).toHaveLength(0);
    expect(fakes.busy.requests[1]!.at - fakes.busy.requests[0]!.at).toBeGreaterThanOrEqual(190);
    expect(outcome.kind === 'succeeded' && outcome.event.usage?.calls.map((c) => c.outcome)).toEqual(['ok', 'ok']);
  });

  it('falls back on a 500 and on a stream that breaks off with a malformed chunk', async () => {
    fakes.broken.respond = () => ({ kind: 'status', status: 500 });
    const served = await run('lead-500', ['broken/m', 'claude/claude-test']);
    expect(served.kind === 'succeeded' && served.event.usage?.calls.map((c) => [c.route, c.outcome])).toEqual([['broken/m', 'unavailable'], ['claude/claude-test', 'ok'], ['broken/m', 'unavailable'], ['claude/claude-test', 'ok']]);

    fakes.mangled.respond = () => ({ kind: 'garbled' });
    const garbled = await run('lead-garbled', ['mangled/m', 'oai/gpt-test']);
    expect(garbled.kind).toBe('succeeded');
    expect(garbled.kind === 'succeeded' && garbled.event.usage?.calls[0]).toMatchObject({ route: 'mangled/m', outcome: 'unavailable' });
  });

  it('repairs an answer that fails the output schema once (the violation fed back), then falls back when the repair fails too', async () => {
    // First final answer misses "qualified"; the repair gets it right.
    fakes.sloppy.respond = (body) => {
      if (!hasToolResult(body)) return agentLike(body);
      const messages = body['messages'] as { role: string; content: string }[];
      return messages.at(-1)?.content.includes('rejected') ? { kind: 'final', text: '```json\n{"qualified": false, "score": 16}\n```' } : { kind: 'final', text: '{"score": 16}' };
    };
    const repaired = await run('lead-repair', ['sloppy/m', 'oai/gpt-test']);
    expect(repaired.kind).toBe('succeeded');
    if (repaired.kind !== 'succeeded') return;
    expect(JSON.parse(repaired.event.outputJson)).toEqual({ qualified: false, score: 16 });
    expect(repaired.event.usage?.calls.map((c) => [c.route, c.outcome])).toEqual([['sloppy/m', 'ok'], ['sloppy/m', 'output_invalid'], ['sloppy/m', 'ok']]);
    const repair = fakes.sloppy.requests[2]?.body['messages'] as { role: string; content: string }[];
    expect(repair.at(-2)).toMatchObject({ role: 'assistant', content: '{"score":16}' });
    expect(repair.at(-1)?.content).toMatch(/output schema: .*qualified/);
    expect(fakes.oai.requests).toHaveLength(0);

    // Not JSON at all, twice: the entry is given up for the next one.
    fakes.sloppy.respond = (body) => (hasToolResult(body) ? { kind: 'final', text: 'The lead looks qualified to me.' } : agentLike(body));
    const fallen = await run('lead-prose', ['sloppy/m', 'oai/gpt-test']);
    expect(fallen.kind).toBe('succeeded');
    expect(fallen.kind === 'succeeded' && fallen.event.usage?.calls.map((c) => [c.route, c.outcome])).toEqual([['sloppy/m', 'ok'], ['sloppy/m', 'output_invalid'], ['sloppy/m', 'output_invalid'], ['oai/gpt-test', 'ok']]);

    // Only entry, invalid after its repair: OUTPUT_INVALID at the output schema.
    const failed = await run('lead-prose-only', ['sloppy/m']);
    expect(failed).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.OutputInvalid, path: '/spec/output/schema' } } });
  });

  it('opens the circuit of a provider that times out, then skips it at once (no request, ~0 ms) instead of waiting for its timeout', async () => {
    fakes.dead.respond = () => ({ kind: 'hang' });
    // Two timeouts (MODEL_BREAKER_FAILURES=2) on the first model turn… the second turn is skipped already.
    const first = await run('lead-dead', ['dead/m', 'oai/gpt-test']);
    expect(first.kind).toBe('succeeded');
    if (first.kind !== 'succeeded') return;
    const firstCalls = first.event.usage?.calls ?? [];
    expect(firstCalls[0]).toMatchObject({ route: 'dead/m', outcome: 'timeout' });
    expect(firstCalls[0]?.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    const second = await run('lead-dead-2', ['dead/m', 'oai/gpt-test']);
    expect(second.kind).toBe('succeeded');
    const calls = [...firstCalls, ...(second.kind === 'succeeded' ? (second.event.usage?.calls ?? []) : [])].filter((c) => c.route === 'dead/m');
    expect(calls.slice(0, 2).map((c) => c.outcome)).toEqual(['timeout', 'timeout']);
    const skipped = calls.slice(2);
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    for (const c of skipped) {
      expect(c.outcome).toBe('circuit_open');
      expect(c.durationMs).toBeLessThan(20);
    }
    // The dead server saw only the two calls that timed out.
    expect(fakes.dead.requests).toHaveLength(2);
    const text = await metrics();
    expect(text).toMatch(/af_worker_model_breaker_state\{provider="dead",service="worker"\} 2/);
    expect(text).toMatch(/af_worker_model_breaker_state\{provider="oai",service="worker"\} 0/);
    expect(text).toMatch(/af_worker_model_calls_total\{provider="dead",model="m",outcome="circuit_open",service="worker"\} [2-9]/);
  });

  it('fails the run when a provider refuses the request (4xx other than 429), and before any call for an unconfigured provider', async () => {
    fakes.busy.respond = () => ({ kind: 'status', status: 401, body: 'invalid api key' });
    const refused = await run('lead-401', ['busy/m', 'oai/gpt-test']);
    expect(refused).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.PreconditionFailed, path: '/spec/model/route' } } });
    expect(refused.kind === 'failed' && refused.event.error?.message).toMatch(/refused the request: .*401/);
    expect(fakes.oai.requests).toHaveLength(0);

    const unknown = await run('lead-unknown', ['oai/gpt-test', 'mistral/large']);
    expect(unknown).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.PreconditionFailed, path: '/spec/model/route/1' } } });
    expect(unknown.kind === 'failed' && unknown.event.error?.message).toContain('unknown provider "mistral"');
    expect(fakes.oai.requests).toHaveLength(0);
  });
});

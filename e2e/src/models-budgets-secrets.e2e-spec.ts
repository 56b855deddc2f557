import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { leadQualifier } from '@af/testing';
import { api, createAndDeploy, gatewayUrl, logDir, mintToken, newTenant, waitForRun } from './client.js';

/**
 * Issue 10's "Done when" through the gateway against the running mesh. The mesh started by the
 * e2e setup (mesh.global-setup.ts) has a priced provider `e2efake` — a local server speaking
 * OpenAI's chat-completions protocol, $1000 per million tokens in and out, answering every call
 * with {"qualified":true,"score":42} and 1000 input + 200 output tokens (1.2 USD a call) — and lets
 * the fetch bridge reach 127.0.0.1 (test-only). Budgets are checked and reserved before a call
 * (metering service), secrets injected by the worker (secrets service).
 */

const modelUrl = () => {
  const url = process.env['AF_E2E_MODEL_URL'];
  if (!url) throw new Error('these tests need the mesh started by the e2e setup (with the e2efake provider): stop your own mesh (npm run mesh:down) and run them again');
  return url;
};
const requestsWith = async (marker: string): Promise<number> => {
  const res = await fetch(`${modelUrl()}/__requests?marker=${encodeURIComponent(marker)}`);
  return ((await res.json()) as { count: number }).count;
};

/** The example blueprint on the priced route (its run budget roomy: the tenant/agent budgets are under test). */
function pricedAgent(name: string, marker: string) {
  const doc = leadQualifier({ name });
  const spec = doc.spec as Record<string, unknown>;
  spec['model'] = { route: ['e2efake/m1'], maxCostUsdPerRun: 100 };
  spec['prompt'] = { system: `You qualify leads (${marker}).`, user: 'Lead: {{input.message}}', variables: {} };
  spec['tools'] = [];
  return doc;
}

interface RunBody {
  status: string;
  output?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  usage?: { costUsd?: number; calls?: { costUsd?: number; outcome?: string }[] };
}

describe('models through the gateway: budgets before the call, usage, token streaming', () => {
  it('refuses a call over the agent budget before the provider sees any request, with the budget and the estimate', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    const marker = `e2e-refusal-${randomBytes(4).toString('hex')}`;
    await createAndDeploy(token, pricedAgent('budgeted', marker));
    const put = await api('PUT', '/v1/budgets/agents/budgeted/day', { token, body: { limitUsd: 0.5 } });
    expect(put.status).toBe(200);

    const submitted = await api('POST', '/v1/agents/budgeted/runs', { token, body: { input: { message: 'hello' } } });
    expect(submitted.status).toBe(202);
    const run = (await waitForRun(token, String(submitted.body['runId']))).body as unknown as RunBody;
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('BUDGET_EXCEEDED');
    expect(run.error?.message).toMatch(/budget/i);
    expect(JSON.stringify(run.error?.details)).toMatch(/estimate/i);
    expect(JSON.stringify(run.error?.details)).toContain('0.5');
    expect(await requestsWith(marker)).toBe(0);
  });

  it('lets only one of two concurrent runs through a tenant budget that fits one call, and usage sums the calls', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    const marker = `e2e-concurrent-${randomBytes(4).toString('hex')}`;
    await createAndDeploy(token, pricedAgent('shared', marker));
    // One call reserves its worst case (~1.1 USD: counted prompt + 1000 output tokens); two do not fit in 2 USD.
    expect((await api('PUT', '/v1/budgets/tenant/day', { token, body: { limitUsd: 2 } })).status).toBe(200);

    const ids = await Promise.all(
      [1, 2].map(async (i) => {
        const res = await api('POST', '/v1/agents/shared/runs', { token, body: { input: { message: `lead ${i}` } } });
        expect(res.status).toBe(202);
        return String(res.body['runId']);
      }),
    );
    const runs = await Promise.all(ids.map(async (id) => (await waitForRun(token, id)).body as unknown as RunBody));
    const statuses = runs.map((r) => r.status).sort();
    expect(statuses).toEqual(['failed', 'succeeded']);
    const refused = runs.find((r) => r.status === 'failed');
    expect(refused?.error?.code).toBe('BUDGET_EXCEEDED');
    expect(await requestsWith(marker)).toBe(1);

    const succeeded = runs.find((r) => r.status === 'succeeded');
    const callCost = (succeeded?.usage?.calls ?? []).reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
    expect(callCost).toBeCloseTo(1.2, 6);
    expect(succeeded?.usage?.costUsd).toBeCloseTo(callCost, 6);
    const usage = await api('GET', '/v1/usage?groupBy=agent', { token });
    expect(usage.status).toBe(200);
    const rows = usage.body['rows'] as { key: string; calls: number; costUsd: number }[];
    expect(rows.find((r) => r.key === 'shared')?.costUsd).toBeCloseTo(callCost, 6);
    expect((usage.body['total'] as { costUsd: number }).costUsd).toBeCloseTo(callCost, 6);
    const budgets = await api('GET', '/v1/budgets', { token });
    const tenantDay = (budgets.body['items'] as { scope: string; period: string; spentUsd: number; reservedUsd: number }[]).find((b) => b.scope === 'tenant' && b.period === 'day');
    expect(tenantDay?.spentUsd).toBeCloseTo(callCost, 6);
    expect(tenantDay?.reservedUsd).toBeCloseTo(0, 6);
  });

  it('streams the model tokens of a running run as SSE token events', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    await createAndDeploy(token, pricedAgent('streamer', 'e2e-slow'));
    const submitted = await api('POST', '/v1/agents/streamer/runs', { token, body: { input: { message: 'stream please' } } });
    expect(submitted.status).toBe(202);
    const runId = String(submitted.body['runId']);
    const res = await fetch(`${gatewayUrl()}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(30_000) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const tokens = [...text.matchAll(/event: token\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1] ?? '{}') as { text: string; index: number });
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.map((t) => t.text).join('')).toBe('{"qualified":true,"score":42}');
    expect(text).toContain('event: end');
    expect((await waitForRun(token, runId)).body['status']).toBe('succeeded');
  });
});

describe('secrets injected into a tool call through the gateway', () => {
  let server: Server;
  const seen: IncomingHttpHeaders[] = [];
  const value = `sk-e2e-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    // Echoes the request headers back: redaction must hold even when a server reflects the secret.
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: req.headers }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the secret to the allowlisted server, and neither the run, its events nor the logs contain it', async () => {
    const tenant = newTenant();
    const token = await mintToken({ tenant });
    const port = (server.address() as AddressInfo).port;
    const put = await api('PUT', '/v1/secrets/crm-token', { token, body: { value, description: 'CRM API token' } });
    expect(put.status).toBe(201);
    expect(JSON.stringify(put.body)).not.toContain(value);

    const doc = leadQualifier({ name: 'crm-caller' });
    const spec = doc.spec as Record<string, unknown>;
    spec['governance'] = { autonomyLevel: 'autonomous' };
    spec['network'] = { allowHosts: ['127.0.0.1'], credentials: [{ hosts: ['127.0.0.1'], headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' } } }] };
    spec['tools'] = [{ name: 'call_crm', description: 'Calls the CRM', scope: 'external', builtin: 'http.request', inputSchema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } }];
    await createAndDeploy(token, doc);

    const submitted = await api('POST', '/v1/agents/crm-caller/runs', { token, body: { input: { message: 'hi', url: `http://127.0.0.1:${port}/leads` } } });
    expect(submitted.status).toBe(202);
    const runId = String(submitted.body['runId']);
    const run = await waitForRun(token, runId);
    expect(run.body['status']).toBe('succeeded');
    expect(seen.some((h) => h['authorization'] === `Bearer ${value}`)).toBe(true);

    const record = JSON.stringify(run.body);
    expect(record).not.toContain(value);
    expect(record).toContain('[secret:crm-token]');
    const events = await api('GET', `/v1/runs/${runId}/events`, { token });
    expect(JSON.stringify(events.body)).not.toContain(value);
    const meta = await api('GET', '/v1/secrets/crm-token', { token });
    expect(meta.status).toBe(200);
    expect(JSON.stringify(meta.body)).not.toContain(value);
    for (const file of readdirSync(logDir(), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log'))) {
      expect({ file, leaked: readFileSync(join(logDir(), file), 'utf8').includes(value) }).toEqual({ file, leaked: false });
    }
  });
});

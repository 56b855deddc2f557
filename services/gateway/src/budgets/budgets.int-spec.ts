import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { connectTestClient } from '@af/runtime/testing';
import { startServiceProcess, testTenant, type ServiceProcess } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

/** /v1/usage and /v1/budgets through the real gateway and the real metering service (its own process). */
describe('gateway /v1/usage and /v1/budgets against the real metering service', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let metering: ServiceProcess;
  let client: Awaited<ReturnType<typeof connectTestClient>>;
  const tenant = testTenant();
  const other = testTenant();
  const token = (sub: string, roles: string[], t = tenant) =>
    new SignJWT({ tenant: t, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));
  const bearers: Record<string, string> = {};

  beforeAll(async () => {
    [metering, gw] = await Promise.all([startServiceProcess('metering'), startGateway()]);
    client = await connectTestClient();
    bearers['viewer'] = await token('vera', ['Viewer']);
    bearers['dev'] = await token('dora', ['Developer']);
    bearers['pm'] = await token('pat', ['ProductManager']);
    bearers['otherPm'] = await token('pat', ['ProductManager'], other);
  }, 90_000);

  afterAll(async () => {
    await client?.close();
    await gw?.service.close();
    await metering?.stop();
  });

  const call = async (who: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(gw.url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${bearers[who]}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & ErrorBody };
  };

  it('PUT a tenant and an agent budget, then GET lists them with where they stand; DELETE answers the removed budget, then 404', async () => {
    const month = await call('pm', '/v1/budgets/tenant/month', { method: 'PUT', body: { limitUsd: 100 } });
    expect(month.status).toBe(200);
    expect(month.body).toEqual({ scope: 'tenant', agent: null, period: 'month', limitUsd: 100, spentUsd: 0, reservedUsd: 0, periodStart: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00/), updatedAt: expect.any(String), updatedBy: 'pat' });
    const day = await call('pm', '/v1/budgets/agents/lead-qualifier/day', { method: 'PUT', body: { limitUsd: 2.5 } });
    expect(day.body).toMatchObject({ scope: 'agent', agent: 'lead-qualifier', period: 'day', limitUsd: 2.5 });
    await call('pm', '/v1/budgets/agents/other-agent/day', { method: 'PUT', body: { limitUsd: 1 } });

    const all = await call('pm', '/v1/budgets');
    expect(all.status).toBe(200);
    const keys = (all.body['items'] as { scope: string; agent: string | null; period: string }[]).map((b) => `${b.scope}/${b.agent}/${b.period}`).sort();
    expect(keys).toEqual(['agent/lead-qualifier/day', 'agent/other-agent/day', 'tenant/null/month']);
    const one = await call('pm', '/v1/budgets?agent=lead-qualifier');
    expect((one.body['items'] as { agent: string | null }[]).map((b) => b.agent).sort()).toEqual(['lead-qualifier', null]);
    expect((await call('otherPm', '/v1/budgets')).body['items']).toEqual([]);

    const removed = await call('pm', '/v1/budgets/agents/other-agent/day', { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ scope: 'agent', agent: 'other-agent', period: 'day', limitUsd: 1 });
    expect((await call('pm', '/v1/budgets/agents/other-agent/day', { method: 'DELETE' })).status).toBe(404);
    expect((await call('otherPm', '/v1/budgets/tenant/month', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses bad periods, agents and bodies with 400 at the path at fault', async () => {
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/v1/budgets/tenant/week', { limitUsd: 1 }, '/period'],
      ['PUT', '/v1/budgets/agents/Not_An_Agent/day', { limitUsd: 1 }, '/agent'],
      ['PUT', '/v1/budgets/tenant/day', { limitUsd: -1 }, '/limitUsd'],
      ['PUT', '/v1/budgets/tenant/day', { limitUsd: '5' }, '/limitUsd'],
      ['PUT', '/v1/budgets/tenant/day', {}, '/limitUsd'],
      ['PUT', '/v1/budgets/tenant/day', { limitUsd: 5, spentUsd: 0 }, '/spentUsd'],
      ['PUT', '/v1/budgets/tenant/day', [5], ''],
      ['DELETE', '/v1/budgets/tenant/year', undefined, '/period'],
      ['GET', '/v1/usage?groupBy=tool', undefined, '/query/groupBy'],
      ['GET', '/v1/usage?from=yesterday', undefined, '/query/from'],
      ['GET', '/v1/usage?from=2026-01-01&to=2025-01-01', undefined, '/query/from'],
      ['GET', '/v1/usage?from=2020-01-01&to=2026-01-01', undefined, '/query/to'],
      ['GET', '/v1/usage?agent=A%20B', undefined, '/query/agent'],
      ['GET', '/v1/usage?groupby=agent', undefined, '/query/groupby'],
    ];
    for (const [method, path, body, at] of cases) {
      const res = await call('pm', path, { method, body });
      expect({ method, path, status: res.status, code: res.body.error?.code, path_: res.body.error?.path, message: typeof res.body.error?.message }).toEqual({ method, path, status: 400, code: 'INVALID_ARGUMENT', path_: at, message: 'string' });
    }
  });

  it('sums usage per agent, model and day in the documented shape', async () => {
    const at = new Date().toISOString();
    const settle = (agent: string, model: string, inputTokens: number, outputTokens: number, costUsd: number) =>
      client.bus.request('af.v1.budgets.settle', { reservationId: `${randomUUID()}/1`, runId: randomUUID(), agent, provider: 'openai', model, outcome: 'ok', inputTokens, outputTokens, cachedInputTokens: 1, costUsd, at }, { tenantId: tenant });
    await settle('lead-qualifier', 'gpt-4o', 100, 20, 0.5);
    await settle('lead-qualifier', 'gpt-4o-mini', 10, 2, 0.25);
    await settle('summarizer', 'gpt-4o', 50, 5, 1);

    const byAgent = await call('pm', '/v1/usage?groupBy=agent');
    expect(byAgent.status).toBe(200);
    expect(byAgent.body).toMatchObject({ groupBy: 'agent', from: expect.any(String), to: expect.any(String) });
    expect(byAgent.body['rows']).toEqual([
      { key: 'lead-qualifier', calls: 2, inputTokens: 110, outputTokens: 22, cachedInputTokens: 2, costUsd: 0.75 },
      { key: 'summarizer', calls: 1, inputTokens: 50, outputTokens: 5, cachedInputTokens: 1, costUsd: 1 },
    ]);
    expect(byAgent.body['total']).toEqual({ key: '', calls: 3, inputTokens: 160, outputTokens: 27, cachedInputTokens: 3, costUsd: 1.75 });
    const byModel = await call('pm', '/v1/usage?groupBy=model&agent=lead-qualifier');
    expect((byModel.body['rows'] as { key: string; calls: number }[]).map((r) => [r.key, r.calls])).toEqual([
      ['openai/gpt-4o', 1],
      ['openai/gpt-4o-mini', 1],
    ]);
    const byDay = await call('pm', '/v1/usage?groupBy=day');
    expect(byDay.body['rows']).toEqual([expect.objectContaining({ key: at.slice(0, 10), calls: 3 })]);
    expect((await call('otherPm', '/v1/usage')).body['rows']).toEqual([]);
  });

  it('needs ManageBudgets: a Viewer and a Developer get 403 on every route', async () => {
    for (const who of ['viewer', 'dev']) {
      for (const [method, path] of [
        ['GET', '/v1/usage'],
        ['GET', '/v1/budgets'],
        ['PUT', '/v1/budgets/tenant/day'],
        ['PUT', '/v1/budgets/agents/a/day'],
        ['DELETE', '/v1/budgets/tenant/day'],
        ['DELETE', '/v1/budgets/agents/a/day'],
      ] as const) {
        const res = await call(who, path, { method, body: method === 'PUT' ? { limitUsd: 1 } : undefined });
        expect({ who, method, path, status: res.status, permission: (res.body.error as unknown as { details?: { permission?: string } }).details?.permission }).toEqual({ who, method, path, status: 403, permission: 'ManageBudgets' });
      }
    }
  });
});

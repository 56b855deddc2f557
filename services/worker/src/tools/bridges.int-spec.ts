import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { create, toBinary, fromBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders, type Subscription } from '@nats-io/nats-core';
import { Writable } from 'node:stream';
import { Headers, ListEpisodesReplySchema, ListEpisodesRequestSchema } from '@af/contracts';
import { processNamespace } from '@af/messaging';
import { MetricsRegistry, createLogger } from '@af/observability';
import { connectTestClient } from '@af/runtime/testing';
import { testTenant } from '@af/testing';
import { WorkerMetrics } from '../worker.metrics.js';
import { ToolBridges } from './bridges.js';
import { RunFetchBudget } from './fetch-budget.js';
import { SafeFetch } from './safe-fetch.js';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { SecretsRepository } from '../secrets/secrets.repository.js';

describe('ToolBridges memory.recall against real NATS', () => {
  let client: Awaited<ReturnType<typeof connectTestClient>>;
  let responder: Subscription;
  const tenant = testTenant();
  const seen: { tenant: string | undefined; agent: string; limit: number; query: string }[] = [];
  const audit: Record<string, unknown>[] = [];
  let metrics: MetricsRegistry;
  let sut: ToolBridges;

  beforeAll(async () => {
    client = await connectTestClient();
    // The memory service's side of af.v1.memory.episodes.list, for this test's tenant only.
    responder = client.nc.subscribe(processNamespace().subject('af.v1.memory.episodes.list'), {
      callback: (_err, msg) => {
        const tenantHeader = msg.headers?.get(Headers.tenantId);
        if (tenantHeader !== tenant) return;
        const request = fromBinary(ListEpisodesRequestSchema, msg.data);
        seen.push({ tenant: tenantHeader, agent: request.agent, limit: request.limit, query: request.query });
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        const reply = create(ListEpisodesReplySchema, {
          episodes: [{ episodeId: 'e1', runId: 'r1', agent: request.agent, version: 2, summary: 'qualified a lead', outcome: 'succeeded', occurredAt: '2026-11-22T00:00:00Z' }],
        });
        msg.respond(toBinary(ListEpisodesReplySchema, reply), { headers: h });
      },
    });
    metrics = new MetricsRegistry('worker');
    const logger = createLogger('worker', 'info', new Writable({ write: (chunk, _e, cb) => (audit.push(JSON.parse(String(chunk)) as Record<string, unknown>), cb()) }));
    sut = new ToolBridges(new SafeFetch({ maxResponseBytes: 1024, maxRequestBytes: 1024, timeoutMs: 1_000, maxRedirects: 0 }), client.bus, new WorkerMetrics(metrics), logger, new SecretsRepository(client.bus), new SecretRedaction());
  });

  afterAll(async () => {
    responder?.unsubscribe();
    await client?.close();
  });

  it('reads the run’s own tenant and agent, clamps the limit and query, and audits the call', async () => {
    const bridge = sut.forCall({ tenantId: tenant, runId: 'run-1', agent: 'lead-qualifier', artifactHash: 'h', stepId: 'run-1/2', tool: 'score_lead', fetchBudget: new RunFetchBudget({ maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8_388_608, maxResponseBytes: 1_048_576 }) }, { allowHosts: [] });
    const signal = new AbortController().signal;
    const result = JSON.parse(await bridge('memory.recall', JSON.stringify({ limit: 500, query: 'x'.repeat(500) }), signal)) as unknown[];
    expect(result).toEqual([{ runId: 'r1', summary: 'qualified a lead', outcome: 'succeeded', occurredAt: '2026-11-22T00:00:00Z', version: 2 }]);
    expect(seen).toEqual([{ tenant, agent: 'lead-qualifier', limit: 20, query: 'x'.repeat(200) }]);
    await bridge('memory.recall', JSON.stringify({ limit: 'all' }), signal);
    expect(seen[1]?.limit).toBe(5);
    expect(audit.filter((l) => l['audit'] === 'sandbox.bridge')).toEqual(
      expect.arrayContaining([expect.objectContaining({ runId: 'run-1', tool: 'score_lead', bridge: 'memory.recall', target: 'lead-qualifier', outcome: 'ok' })]),
    );
    expect(await metrics.text()).toContain('af_worker_sandbox_bridge_calls_total{bridge="memory.recall",outcome="ok",service="worker"} 2');
  });

  it('marks the call when the platform is away (a recall nobody answers) — and not when a call is refused', async () => {
    // Another tenant: the responder ignores it, so the request times out (what NATS frozen looks like).
    const platformOutage: { error?: unknown } = {};
    const budget = new RunFetchBudget({ maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8_388_608, maxResponseBytes: 1_048_576 });
    const away = sut.forCall({ tenantId: testTenant(), runId: 'run-3', agent: 'a', artifactHash: 'h', stepId: 'run-3/1', tool: 't', fetchBudget: budget, platformOutage }, { allowHosts: [] });
    const signal = new AbortController().signal;
    await expect(away('memory.recall', JSON.stringify({ query: 'q' }), signal)).rejects.toThrow(/memory\.recall failed/);
    expect(platformOutage.error).toBeDefined();
    expect((platformOutage.error as { code?: string }).code).toMatch(/^(TIMEOUT|UNAVAILABLE)$/);

    const refusedOnly: { error?: unknown } = {};
    const refused = sut.forCall({ tenantId: tenant, runId: 'run-4', agent: 'a', artifactHash: 'h', stepId: 'run-4/1', tool: 't', fetchBudget: budget, platformOutage: refusedOnly }, { allowHosts: [] });
    await expect(refused('fs.read', '{}', signal)).rejects.toThrow(/fs\.read refused/);
    await expect(refused('memory.remember', JSON.stringify({ content: 'x' }), signal)).rejects.toThrow(/memory\.remember failed/);
    expect(refusedOnly.error).toBeUndefined();
  });

  it('refuses an unknown bridge and a fetch outside the allowlist, auditing both as refused', async () => {
    const bridge = sut.forCall({ tenantId: tenant, runId: 'run-2', agent: 'a', artifactHash: 'h', stepId: 'run-1/2', tool: 't', fetchBudget: new RunFetchBudget({ maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8_388_608, maxResponseBytes: 1_048_576 }) }, { allowHosts: ['api.example.com'] });
    const signal = new AbortController().signal;
    await expect(bridge('fs.read', '{}', signal)).rejects.toThrow(/fs\.read refused/);
    await expect(bridge('fetch', JSON.stringify({ url: 'http://169.254.169.254/latest/meta-data' }), signal)).rejects.toThrow(/fetch refused/);
    await expect(bridge('fetch', JSON.stringify({ url: 'https://evil.example.org/' }), signal)).rejects.toThrow(/fetch refused/);
    expect(await metrics.text()).toContain('af_worker_sandbox_bridge_calls_total{bridge="fetch",outcome="refused",service="worker"} 2');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GetRunRequestSchema, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { MetricsRegistry } from '@af/observability';
import { testTenant } from '@af/testing';
import { decode } from '@af/messaging';
import { serveOrchestratorRuns } from '../test/orchestrator-runs.js';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import { connectClient, startMemory, until } from '../test/harness.js';
import { WorkingMemoryRepository } from '../working-memory/working-memory.repository.js';
import { EpisodeRepository } from './episode.repository.js';

describe('memory against real NATS JetStream, PostgreSQL, Redis and Neo4j', () => {
  let memory: Awaited<ReturnType<typeof startMemory>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let working: WorkingMemoryRepository;
  let graph: RunGraphRepository;
  let episodes: EpisodeRepository;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const now = () => BigInt(Date.now());
  /** Runs the stand-in orchestrator knows: memory records nothing for any other. */
  const knownRuns = new Set<string>();
  let runLookups = 0;
  const know = (runId: string) => {
    knownRuns.add(runId);
    return runId;
  };

  const started = (runId: string, attempt = 1, as = tenant) =>
    client.bus.publish('af.v1.runs.event.started', { runId, attempt, workerId: 'worker-1', atMs: now() }, { msgId: `t-started-${runId}-${attempt}-${randomUUID()}`, tenantId: as });
  const succeeded = (runId: string, agent: string, input: object, output: object, as = tenant) =>
    client.bus.publish(
      'af.v1.runs.event.succeeded',
      { runId, attempt: 1, agent, version: 2, inputJson: JSON.stringify(input), outputJson: JSON.stringify(output), atMs: now() },
      { msgId: `t-ok-${runId}-${randomUUID()}`, tenantId: as },
    );
  const failed = (runId: string, agent: string, as = tenant) =>
    client.bus.publish(
      'af.v1.runs.event.failed',
      { runId, attempt: 3, agent, version: 2, error: { code: 'TOOL_FAILED', message: 'crm lookup timed out' }, atMs: now() },
      { msgId: `t-fail-${runId}-${randomUUID()}`, tenantId: as },
    );
  const list = (request: { agent?: string; limit?: number; query?: string }, as = tenant) => client.bus.request('af.v1.memory.episodes.list', request, { tenantId: as });

  beforeAll(async () => {
    memory = await startMemory();
    client = await connectClient();
    serveOrchestratorRuns(client.nc, (request) => {
      runLookups++;
      return knownRuns.has(decode(GetRunRequestSchema, request).runId);
    });
    working = memory.service.app.get(WorkingMemoryRepository);
    graph = memory.service.app.get(RunGraphRepository);
    episodes = memory.service.app.get(EpisodeRepository);
  });

  afterAll(async () => {
    await client?.close();
    await memory?.stop([tenant, other]);
  });

  it('keeps working memory while a run goes, then records the episode and the graph and clears it', async () => {
    const runId = know(randomUUID());
    await started(runId);
    const wm = await until(() => working.get(tenant, runId), (v) => v !== null);
    expect(wm).toMatchObject({ attempt: '1', workerId: 'worker-1' });
    expect(Date.parse(wm?.['startedAt'] ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const ttl = await working.ttl(tenant, runId);
    expect(ttl).toBeGreaterThan(3_500);
    expect(ttl).toBeLessThanOrEqual(3_600);

    await succeeded(runId, 'lead-qualifier', { message: 'Acme wants 40 seats, budget approved' }, { qualified: true, tier: 'enterprise' });
    const episode = await until(() => episodes.findByRun(tenant, runId), (e) => e !== null);
    expect(episode).toMatchObject({ agent: 'lead-qualifier', version: 2, outcome: 'succeeded', attempt: 1, input: { message: 'Acme wants 40 seats, budget approved' }, output: { qualified: true, tier: 'enterprise' }, error: null });
    expect(episode?.summary).toContain('lead-qualifier v2 succeeded');
    expect(episode?.summary).toContain('tier: enterprise');

    const node = await until(() => graph.findRun(tenant, runId), (n) => n !== null);
    expect(node).toMatchObject({ runId, agent: 'lead-qualifier', version: 2, outcome: 'succeeded', ranBy: ['lead-qualifier'] });
    expect(await until(() => working.get(tenant, runId), (v) => v === null)).toBeNull();
  });

  it('is idempotent: duplicate and conflicting final events change nothing, a late start does not resurrect working memory', async () => {
    const runId = know(randomUUID());
    await succeeded(runId, 'lead-qualifier', { message: 'first' }, { qualified: false });
    const first = await until(() => episodes.findByRun(tenant, runId), (e) => e !== null);

    await succeeded(runId, 'lead-qualifier', { message: 'second' }, { qualified: true });
    await failed(runId, 'lead-qualifier');
    await started(runId, 1);
    // A marker event after the duplicates: once its episode exists, the duplicates were handled too
    // (one consumer, delivered in order; concurrency may interleave, so also wait a little).
    const marker = know(randomUUID());
    await succeeded(marker, 'marker', {}, {});
    await until(() => episodes.findByRun(tenant, marker), (e) => e !== null);
    await new Promise((r) => setTimeout(r, 500));

    const after = await episodes.findByRun(tenant, runId);
    expect(after).toEqual(first);
    expect(await graph.findRun(tenant, runId)).toMatchObject({ outcome: 'succeeded', ranBy: ['lead-qualifier'] });
    expect(await working.get(tenant, runId)).toBeNull();
    expect((await list({ agent: 'lead-qualifier', limit: 100 })).episodes.filter((e) => e.runId === runId)).toHaveLength(1);
  });

  it('remembers a failed run with its error, in PostgreSQL and in the graph', async () => {
    const runId = know(randomUUID());
    await started(runId, 3);
    await until(() => working.get(tenant, runId), (v) => v !== null);
    await failed(runId, 'support-triage');
    const episode = await until(() => episodes.findByRun(tenant, runId), (e) => e !== null);
    expect(episode).toMatchObject({ agent: 'support-triage', outcome: 'failed', attempt: 3, error: { code: 'TOOL_FAILED', message: 'crm lookup timed out' }, input: null, output: null });
    expect(episode?.summary).toBe('support-triage v2 failed (TOOL_FAILED: crm lookup timed out).');
    expect(await until(() => graph.findRun(tenant, runId), (n) => n !== null)).toMatchObject({ outcome: 'failed', ranBy: ['support-triage'] });
    expect(await until(() => working.get(tenant, runId), (v) => v === null)).toBeNull();
  });

  it('lists the latest episodes of the caller’s tenant, by agent, and searches them by full text', async () => {
    const runs = [know(randomUUID()), know(randomUUID()), know(randomUUID())];
    await succeeded(runs[0] ?? '', 'searcher', { message: 'invoice for the Zanzibar office' }, { routed: 'billing' });
    await succeeded(runs[1] ?? '', 'searcher', { message: 'password reset please' }, { routed: 'it' });
    await succeeded(runs[2] ?? '', 'searcher', { message: 'second invoice question' }, { routed: 'billing' });
    await succeeded(know(randomUUID()), 'searcher', { message: 'invoice from the other tenant' }, { routed: 'billing' }, other);
    await until(() => list({ agent: 'searcher' }), (r) => r.episodes.length === 3);

    const latest = await list({ agent: 'searcher', limit: 2 });
    expect(latest.episodes).toHaveLength(2);
    expect(latest.episodes[0]?.occurredAt >= (latest.episodes[1]?.occurredAt ?? '')).toBe(true);
    expect(latest.episodes[0]).toMatchObject({ agent: 'searcher', version: 2, outcome: 'succeeded' });

    const invoices = await list({ agent: 'searcher', query: 'invoices' });
    expect(invoices.episodes.map((e) => e.runId).sort()).toEqual([runs[0], runs[2]].sort());
    expect((await list({ query: 'zanzibar' })).episodes.map((e) => e.runId)).toEqual([runs[0]]);
    expect((await list({ query: '"password reset"' })).episodes.map((e) => e.runId)).toEqual([runs[1]]);

    const all = await list({});
    expect(all.episodes.length).toBeGreaterThanOrEqual(3);
    expect(all.episodes.some((e) => e.summary.includes('other tenant'))).toBe(false);
    await until(() => list({ agent: 'searcher' }, other), (r) => r.episodes.length === 1);
  });

  it('records a cancelled run as an episode with outcome cancelled', async () => {
    const runId = know(randomUUID());
    await client.bus.publish('af.v1.runs.event.cancelled', { runId, reason: 'stopped by dev@acme', agent: 'support-triage', version: 2, atMs: now() }, { msgId: `t-cancel-${runId}`, tenantId: tenant });
    const episode = await until(() => episodes.findByRun(tenant, runId), (e) => e !== null);
    expect(episode).toMatchObject({ outcome: 'cancelled', error: { code: 'CANCELLED', message: 'stopped by dev@acme' } });
    expect(episode?.summary).toBe('support-triage v2 cancelled (CANCELLED: stopped by dev@acme).');
    expect(await until(() => graph.findRun(tenant, runId), (n) => n !== null)).toMatchObject({ outcome: 'cancelled' });
  });

  it('refuses an event for a run the orchestrator does not know: no episode, no graph node, counted NOT_FOUND in both tiers', async () => {
    const ghost = randomUUID();
    const failures = async () => {
      const text = await memory.service.app.get(MetricsRegistry).text();
      return ['episodes', 'graph'].map((tier) => Number(new RegExp(`af_memory_tier_failures_total\\{tier="${tier}",code="NOT_FOUND"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0));
    };
    const before = await failures();
    const lookups = runLookups;
    await succeeded(ghost, 'lead-qualifier', { message: 'unknown artifact' }, { qualified: true });
    const after = await until(failures, (n) => n[0] === (before[0] ?? 0) + 1 && n[1] === (before[1] ?? 0) + 1);
    expect(after).toEqual([(before[0] ?? 0) + 1, (before[1] ?? 0) + 1]);
    // At most one per tier (the tiers share a question in flight), no retry: NOT_FOUND terminates the message.
    expect(runLookups - lookups).toBeGreaterThanOrEqual(1);
    expect(runLookups - lookups).toBeLessThanOrEqual(2);
    expect(await episodes.findByRun(tenant, ghost)).toBeNull();
    expect(await graph.findRun(tenant, ghost)).toBeNull();
  });

  it('refuses bad queries and a request without tenant', async () => {
    await expect(list({ agent: 'Not A Label' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/agent' });
    await expect(list({ limit: -1 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/limit' });
    await expect(list({ query: 'x'.repeat(201) })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/query' });
    await expect(client.bus.request('af.v1.memory.episodes.list', { agent: 'a' })).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('reports neo4j in its readiness', async () => {
    const response = await fetch(`${memory.service.url.replace(/:\d+$/, '')}:${(memory.service.app.getHttpServer().address() as { port: number }).port}/health/ready`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: Record<string, unknown> }).checks).toMatchObject({ neo4j: { status: 'up' }, redis: { status: 'up' }, postgres: { status: 'up' }, nats: { status: 'up' } });
  });
});

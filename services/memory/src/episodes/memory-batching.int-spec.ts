import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import type { DataSource } from 'typeorm';
import { GetRunRequestSchema, parseTenantId } from '@af/contracts';
import { decode } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import { DATA_SOURCE, REDIS, withTenant } from '@af/persistence';
import { testTenant } from '@af/testing';
import { NEO4J_DRIVER } from '../graph/neo4j.module.js';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import { serveOrchestratorRuns } from '../test/orchestrator-runs.js';
import { connectClient, startMemory, until } from '../test/harness.js';
import { WorkingMemoryRepository } from '../working-memory/working-memory.repository.js';
import { EpisodeRepository } from './episode.repository.js';
import { MemoryTiersService, type MemoryTier } from './memory-tiers.service.js';

const BATCH = 50;

/** Holds the first call of `method` until `release()`; counts calls and their item counts, and settles `done` per call. */
function gateFirstCall<T extends object, K extends keyof T>(target: T, method: K, size: (args: unknown[]) => number) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  const calls: { size: number; settled: boolean }[] = [];
  jest.spyOn(target, method as never).mockImplementation((async (...args: unknown[]) => {
    const call = { size: size(args), settled: false };
    calls.push(call);
    try {
      if (calls.length === 1) await gate;
      return await original(...args);
    } finally {
      call.settled = true;
    }
  }) as never);
  return { release, calls };
}

describe('memory tiers write run events in batches: one round trip per store, redeliveries change nothing', () => {
  let memory: Awaited<ReturnType<typeof startMemory>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const knownRuns = new Set<string>();
  let lookups = 0;

  const succeeded = (runId: string, output: object) =>
    client.bus.publish(
      'af.v1.runs.event.succeeded',
      { runId, attempt: 1, agent: 'batcher', version: 3, inputJson: JSON.stringify({ n: runId.slice(0, 8) }), outputJson: JSON.stringify(output), atMs: BigInt(Date.now()) },
      { msgId: `t-batch-${runId}-${randomUUID()}`, tenantId: tenant },
    );
  const recorded = async () => Number(/af_memory_episodes_recorded_total\{outcome="succeeded"[^}]*\} (\d+)/.exec(await memory.service.app.get(MetricsRegistry).text())?.[1] ?? 0);

  beforeAll(async () => {
    memory = await startMemory();
    client = await connectClient();
    serveOrchestratorRuns(client.nc, (request) => {
      lookups++;
      return knownRuns.has(decode(GetRunRequestSchema, request).runId);
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await client?.close();
    await memory?.stop([tenant]);
  });

  it('writes the events that arrive during a write in one Redis MULTI, one INSERT transaction and one Cypher UNWIND; an unknown run fails alone', async () => {
    const app = memory.service.app;
    const tiers = app.get(MemoryTiersService);
    const episodes = gateFirstCall(app.get(EpisodeRepository), 'recordMany', (args) => (args[1] as unknown[]).length);
    const graph = gateFirstCall(app.get(RunGraphRepository), 'recordRuns', (args) => (args[0] as unknown[]).length);
    const working = gateFirstCall(app.get(WorkingMemoryRepository), 'applyBatch', (args) => (args[0] as unknown[]).length);

    // A first run: each tier's write of it is held, so the next events pile up behind it.
    const first = randomUUID();
    knownRuns.add(first);
    await succeeded(first, { first: true });
    await until(
      async () => [episodes.calls.length, graph.calls.length, working.calls.length],
      (n) => n.every((c) => c === 1),
    );

    const runs = Array.from({ length: BATCH }, () => randomUUID());
    runs.forEach((r) => knownRuns.add(r));
    const ghost = randomUUID(); // the orchestrator does not know it: NOT_FOUND, terminated alone
    for (const runId of runs) await succeeded(runId, { ok: true });
    await succeeded(ghost, { ok: true });
    await succeeded(runs[0]!, { ok: true }); // the same run twice in one batch: recorded once
    const tierNames: MemoryTier[] = ['episodes', 'graph', 'working'];
    await until(
      async () => tierNames.map((t) => tiers.waiting(t)),
      (w) => w.every((n) => n === BATCH + 2),
    );

    const queryRunners = jest.spyOn(app.get<DataSource>(DATA_SOURCE), 'createQueryRunner');
    const cypher = jest.spyOn(app.get<Driver>(NEO4J_DRIVER), 'executeQuery');
    const multis = jest.spyOn(app.get<Redis>(REDIS), 'multi');
    const recordedBefore = await recorded();
    episodes.release();
    graph.release();
    working.release();
    await until(
      async () => [episodes.calls, graph.calls, working.calls].map((calls) => calls.length === 2 && calls.every((c) => c.settled)),
      (done) => done.every(Boolean),
    );

    // Episodes: the batch without the ghost (unknown runs never reach the store); working memory: all of it.
    expect(episodes.calls.map((c) => c.size)).toEqual([1, BATCH + 1]);
    expect(graph.calls.map((c) => c.size)).toEqual([1, BATCH + 1]);
    expect(working.calls.map((c) => c.size)).toEqual([1, BATCH + 2]);
    // Released together: the first write's round trip plus the batch's, per store.
    expect(queryRunners).toHaveBeenCalledTimes(2);
    expect(cypher).toHaveBeenCalledTimes(2);
    expect(multis).toHaveBeenCalledTimes(2);
    queryRunners.mockRestore();
    cypher.mockRestore();
    multis.mockRestore();

    expect((await recorded()) - recordedBefore).toBe(BATCH + 1);
    const stored = await withTenant(app.get<DataSource>(DATA_SOURCE), tenant, (m) =>
      m.query(`SELECT run_id FROM episodes WHERE tenant_id = $1 AND agent = 'batcher'`, [tenant]),
    ) as { run_id: string }[];
    expect(stored.map((r) => r.run_id).sort()).toEqual([first, ...runs].sort());
    const graphRepo = app.get(RunGraphRepository);
    expect(await graphRepo.findRun(tenant, runs[BATCH - 1]!)).toMatchObject({ outcome: 'succeeded', version: 3, ranBy: ['batcher'] });
    expect(await graphRepo.findRun(tenant, ghost)).toBeNull();
    const failures = await until(
      async () => /af_memory_tier_failures_total\{tier="episodes",code="NOT_FOUND"[^}]*\} (\d+)/.exec(await app.get(MetricsRegistry).text())?.[1],
      (n) => n !== undefined,
    );
    expect(Number(failures)).toBe(1);
    // Each run was asked about once for both tiers (shared, then remembered); the ghost at most once per tier.
    expect(lookups).toBeGreaterThanOrEqual(BATCH + 2);
    expect(lookups).toBeLessThanOrEqual(BATCH + 3);
  });

  it('a redelivered batch (same runs, conflicting outputs) changes no episode, no node and no count', async () => {
    const app = memory.service.app;
    const runs = Array.from({ length: 20 }, () => randomUUID());
    runs.forEach((r) => knownRuns.add(r));
    const dataSource = app.get<DataSource>(DATA_SOURCE);
    const rows = () =>
      withTenant(dataSource, tenant, (m) => m.query(`SELECT run_id, output, summary, recorded_at FROM episodes WHERE tenant_id = $1 AND run_id = ANY($2) ORDER BY run_id`, [tenant, runs])) as Promise<unknown[]>;
    for (const runId of runs) await succeeded(runId, { take: 1 });
    const before = await until(rows, (r) => r.length === runs.length);
    const graphRepo = app.get(RunGraphRepository);
    await until(() => graphRepo.findRun(tenant, runs[runs.length - 1]!), (n) => n !== null);
    const countBefore = await recorded();

    const batches = jest.spyOn(app.get(EpisodeRepository), 'recordMany');
    for (const runId of runs) await succeeded(runId, { take: 2 });
    // Every redelivered event went through a batch write (not skipped before the store).
    await until(
      async () => new Set(batches.mock.calls.flatMap((c) => c[1].map((e) => e.runId))),
      (seen) => runs.every((r) => seen.has(r)),
    );
    await Promise.all(batches.mock.results.map((r) => r.value));
    batches.mockRestore();

    expect(await rows()).toEqual(before);
    expect(await recorded()).toBe(countBefore);
    const node = await graphRepo.findRun(tenant, runs[0]!);
    expect(node).toMatchObject({ outcome: 'succeeded', ranBy: ['batcher'] });
    const driver = app.get<Driver>(NEO4J_DRIVER);
    const count = await driver.executeQuery('MATCH (a:Agent {tenant: $tenant, name: $agent})-[e:RAN]->(r:Run {tenant: $tenant}) WHERE r.id IN $runs RETURN count(e) AS n', { tenant, agent: 'batcher', runs });
    expect(Number(count.records[0]?.get('n'))).toBe(runs.length);
  });
});

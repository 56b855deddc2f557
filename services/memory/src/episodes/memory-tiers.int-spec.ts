import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GetRunRequestSchema, parseTenantId } from '@af/contracts';
import { decode } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import { testTenant } from '@af/testing';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import { connectClient, startMemory, until } from '../test/harness.js';
import { serveOrchestratorRuns } from '../test/orchestrator-runs.js';
import { tcpRelay } from '../test/tcp-relay.js';
import { WorkingMemoryRepository } from '../working-memory/working-memory.repository.js';
import { EpisodeRepository } from './episode.repository.js';

/** One consumer per tier: Neo4j down delays the graph only; episodes keep being recorded. */
describe('memory with Neo4j unreachable', () => {
  const neo4jUrl = new URL(process.env['NEO4J_URL'] ?? 'bolt://127.0.0.1:7687');
  const tenant = parseTenantId(testTenant());
  let relay: Awaited<ReturnType<typeof tcpRelay>>;
  let memory: Awaited<ReturnType<typeof startMemory>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const known = new Set<string>();

  beforeAll(async () => {
    relay = await tcpRelay({ host: neo4jUrl.hostname, port: Number(neo4jUrl.port || 7687) });
    memory = await startMemory({ NEO4J_URL: `${neo4jUrl.protocol}//127.0.0.1:${relay.port}` });
    client = await connectClient();
    serveOrchestratorRuns(client.nc, (request) => known.has(decode(GetRunRequestSchema, request).runId));
  });

  afterAll(async () => {
    await relay?.restore().catch(() => undefined);
    await client?.close();
    await memory?.stop([tenant]);
  }, 30_000);

  const graphFailures = async () => {
    const text = await memory.service.app.get(MetricsRegistry).text();
    return Number(/af_memory_tier_failures_total\{tier="graph",code="UNAVAILABLE"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  it('records the episode at once, naks the graph write until Neo4j is back, then the graph catches up', async () => {
    const runId = randomUUID();
    known.add(runId);
    await relay.cut();
    const published = Date.now();
    await client.bus.publish(
      'af.v1.runs.event.succeeded',
      { runId, attempt: 1, agent: 'lead-qualifier', version: 1, inputJson: '{"q":1}', outputJson: '{"ok":true}', atMs: BigInt(published) },
      { msgId: `tiers-${runId}`, tenantId: tenant },
    );
    const episodes = memory.service.app.get(EpisodeRepository);
    const episode = await until(() => episodes.findByRun(tenant, runId), (e) => e !== null, 5_000);
    const episodeMs = Date.now() - published;
    expect(episode).toMatchObject({ outcome: 'succeeded', agent: 'lead-qualifier' });
    expect(episodeMs).toBeLessThan(2_000);

    await until(graphFailures, (n) => n >= 1, 15_000);
    const graphDown = Date.now() - published;
    await relay.restore();
    const graph = memory.service.app.get(RunGraphRepository);
    const node = await until(() => graph.findRun(tenant, runId).catch(() => null), (n) => n !== null, 30_000);
    expect(node).toMatchObject({ runId, outcome: 'succeeded' });
    expect(node).not.toBeNull();
    console.log(`[memory tiers] episode after ${episodeMs} ms with Neo4j down; first graph failure after ${graphDown} ms; graph caught up ${Date.now() - published} ms after the event (${await graphFailures()} graph failures counted)`);
  }, 60_000);

  it("writes nothing of a read-only memory agent's run: no working entry, episode or graph node", async () => {
    const runId = randomUUID();
    const marker = randomUUID();
    known.add(runId);
    known.add(marker);
    const started = (id: string, memoryReadOnly: boolean) =>
      client.bus.publish('af.v1.runs.event.started', { runId: id, attempt: 1, agent: 'reader', version: 1, atMs: BigInt(Date.now()), memoryReadOnly }, { msgId: `ro-started-${id}`, tenantId: tenant });
    // The read-only run starts; a marker run (not read-only) after it, on the same consumers: once the
    // marker is in a tier, the read-only event before it was handled there.
    await started(runId, true);
    await started(marker, false);
    const working = memory.service.app.get(WorkingMemoryRepository);
    await until(() => working.get(tenant, marker), (w) => w !== null, 10_000);
    expect(await working.get(tenant, runId)).toBeNull();

    await client.bus.publish(
      'af.v1.runs.event.succeeded',
      { runId, attempt: 1, agent: 'reader', version: 1, inputJson: '{"q":2}', outputJson: '{"ok":true}', atMs: BigInt(Date.now()), memoryReadOnly: true },
      { msgId: `ro-${runId}`, tenantId: tenant },
    );
    await client.bus.publish('af.v1.runs.event.succeeded', { runId: marker, attempt: 1, agent: 'reader', version: 1, inputJson: '{}', outputJson: '{}', atMs: BigInt(Date.now()) }, { msgId: `ro-marker-${marker}`, tenantId: tenant });
    const episodes = memory.service.app.get(EpisodeRepository);
    await until(() => episodes.findByRun(tenant, marker), (e) => e !== null, 10_000);
    expect(await episodes.findByRun(tenant, runId)).toBeNull();
    const graph = memory.service.app.get(RunGraphRepository);
    await until(() => graph.findRun(tenant, marker).catch(() => null), (n) => n !== null, 30_000);
    expect(await graph.findRun(tenant, runId).catch(() => null)).toBeNull();
  }, 60_000);
});

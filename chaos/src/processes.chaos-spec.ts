import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExecuteRunSchema } from '@af/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { ChaosClient } from './support/client.js';
import { load, printCounts, sleep, tally, until } from './support/drill.js';
import { EffectRecorder, effectBlueprint } from './support/effects.js';
import { ChaosMesh, type ServiceHandle } from './support/mesh.js';

/**
 * Process faults against the real mesh on infrastructure of its own: workers killed (-9) and
 * stopped (SIGTERM) mid-run, the orchestrator killed while runs are submitted, a poison message,
 * Idempotency-Key, cancel, and per-tenant fairness. Every tool step of the chaos agent records a
 * countable effect and waits STEP_MS, so faults land in the middle of runs.
 */
const STEP_MS = 400;
const STEPS = 3;

async function workerRunsTotal(workers: ServiceHandle[]): Promise<number> {
  let total = 0;
  for (const w of workers.filter((x) => x.running)) {
    const text = await fetch(`${w.url}/metrics`).then((r) => r.text(), () => '');
    for (const line of text.split('\n')) if (line.startsWith('af_worker_runs_total')) total += Number(line.split(' ').pop());
  }
  return total;
}

describe('chaos: process faults (workers, orchestrator, poison, idempotency, cancel, fairness)', () => {
  const mesh = new ChaosMesh({ workers: 2, env: { ORCHESTRATOR_TENANT_CONCURRENCY: '8' } });
  const effects = new EffectRecorder(STEP_MS);
  let client: ChaosClient;
  let nc: NatsConnection;

  beforeAll(async () => {
    try {
      await mesh.start();
      await effects.start(mesh.nats.url);
      nc = await connect({ servers: mesh.nats.url, name: 'chaos-test' });
      client = await new ChaosClient(() => mesh.gateway.url, mesh.jwtSecret).login();
      await client.deploy(effectBlueprint('effects', STEPS));
    } catch (error) {
      await mesh.dispose();
      throw error;
    }
  }, 300_000);

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await effects.stop();
    await mesh.dispose();
  }, 120_000);

  it('kill -9 a worker in the middle of runs: every run finishes exactly once on another worker, no effect recorded twice', async () => {
    const victim = mesh.service('worker-1');
    const before = effects.effects;
    let killedAt = 0;
    const { outcomes, faultError } = await load(client, 'effects', {
      prefix: 'kill9',
      total: 40,
      perSecond: 20,
      faultAtMs: 1_500,
      fault: async () => {
        // Mid-run: effects are flowing, and not all runs are done.
        await until('effects in flight', async () => effects.effects - before >= 10, 20_000, 50);
        killedAt = Date.now();
        await victim.kill9();
      },
    });
    expect(faultError).toBeUndefined();
    const { counts, runs } = await tally(client, outcomes, effects, 180_000);
    const keys = outcomes.map((o) => o.key);
    const finishedRepeated = effects.repeatsOfFinishedSteps(keys, killedAt, STEP_MS);
    const missing = outcomes.filter((o) => effects.countFor([o.key]).effects !== STEPS).length;
    printCounts('worker kill -9', counts, { effectsPerRun: STEPS, runsMissingAnEffect: missing, inFlightStepsRepeated: counts.duplicateEffects - finishedRepeated.length, finishedStepsRepeated: finishedRepeated.length, repeats: effects.countFor(keys).markers.slice(0, 10), finishedRepeats: finishedRepeated.slice(0, 10) });
    await victim.start();

    expect(counts.accepted).toBe(counts.submitted);
    expect(counts.lost).toBe(0);
    expect(counts.stuck).toBe(0);
    expect(counts.succeeded).toBe(counts.accepted);
    // Every step of every run executed; none that had finished executed again (the step in flight
    // on the killed worker may run once more: at-least-once, with its step id as idempotency key).
    expect(missing).toBe(0);
    expect(finishedRepeated).toEqual([]);
    expect([...runs.values()].every((r) => r['status'] === 'succeeded')).toBe(true);
    expect(Object.keys(counts.fiveHundreds)).toEqual([]);
  });

  it('SIGTERM a busy worker: it exits 0, no run fails, nothing runs twice beyond the hand-back', async () => {
    const victim = mesh.service('worker-2');
    const before = effects.effects;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const { outcomes, faultError } = await load(client, 'effects', {
      prefix: 'sigterm',
      total: 30,
      perSecond: 20,
      fault: async () => {
        await until('effects in flight', async () => effects.effects - before >= 6, 20_000, 50);
        exit = await victim.terminate(60_000);
      },
    });
    expect(faultError).toBeUndefined();
    const { counts } = await tally(client, outcomes, effects, 180_000);
    printCounts('worker SIGTERM', counts, { exit });
    await victim.start();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(counts.accepted).toBe(counts.submitted);
    expect(counts.lost).toBe(0);
    expect(counts.stuck).toBe(0);
    expect(counts.failed).toBe(0);
    expect(counts.succeeded).toBe(counts.accepted);
    expect(counts.duplicateEffects).toBe(0);
    expect(outcomes.every((o) => effects.forKey(o.key) === STEPS)).toBe(true);
  });

  it('kill -9 the orchestrator while runs are submitted: every accepted run finishes; clients get 503/504, never 500, and retry safely', async () => {
    const orchestrator = mesh.service('orchestrator');
    const { outcomes, faultError } = await load(client, 'effects', {
      prefix: 'orch',
      total: 60,
      perSecond: 10,
      faultAtMs: 2_000,
      fault: async () => {
        await orchestrator.kill9();
        await sleep(3_000);
        await orchestrator.start();
      },
    });
    expect(faultError).toBeUndefined();
    const { counts } = await tally(client, outcomes, effects, 180_000);
    const retried = outcomes.filter((o) => o.answers.length > 1);
    const listed = await listRuns(client, 'effects');
    const acceptedRunIds = new Set(outcomes.map((o) => o.runId));
    printCounts('orchestrator kill -9', counts, { repeats: effects.countFor(outcomes.map((o) => o.key)).markers.slice(0, 10), submissionsRetried: retried.length, answersSeen: [...new Set(outcomes.flatMap((o) => o.answers))].sort() });

    expect(counts.fiveHundreds[500] ?? 0).toBe(0);
    expect(Object.keys(counts.fiveHundreds).every((s) => s === '503' || s === '504')).toBe(true);
    expect(counts.accepted).toBe(counts.submitted); // every client got its run, retrying with its key
    expect(counts.lost).toBe(0);
    expect(counts.stuck).toBe(0);
    expect(counts.succeeded).toBe(counts.accepted);
    expect(counts.duplicateEffects).toBe(0);
    // One run per Idempotency-Key: the retries did not create ghosts.
    expect(listed.filter((r) => acceptedRunIds.has(String(r['runId']))).length).toBe(acceptedRunIds.size);
    expect(listed.length).toBe(new Set(listed.map((r) => r['runId'])).size);
  });

  it('a poison message goes to the dead letters within seconds, and a dead-lettered run is retried successfully once its cause is fixed', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    // (a) raw bytes that decode to nothing.
    const poisonedAt = Date.now();
    const h = natsHeaders();
    h.set('Af-Tenant-Id', client.tenant);
    h.set('Af-Correlation-Id', `chaos-poison-${poisonedAt}`);
    await js.publish('af.v1.runs.execute', new Uint8Array([0xff, 0xfe, 0x00, 0x13, 0x37]), { headers: h, msgID: `chaos-poison-${poisonedAt}` });
    const first = await until(
      'the poison message in GET /v1/dead-letters',
      async () => {
        const res = await client.api('GET', '/v1/dead-letters?limit=100');
        return res.status === 200 ? ((res.body['items'] as Record<string, unknown>[]) ?? []).find((d) => JSON.stringify(d).includes(`chaos-poison-${poisonedAt}`) || Date.parse(String(d['recordedAt'] ?? d['createdAt'] ?? 0)) >= poisonedAt - 1_000) : undefined;
      },
      10_000,
    );
    const deadLetteredInMs = Date.now() - poisonedAt;

    // (b) a real run whose queued message is corrupted (an artifact that does not exist): the
    // worker cannot ever run it → dead letter, run dead_lettered; the record still holds the right
    // artifact, so a retry (the cause fixed) re-queues it and it succeeds.
    for (const w of mesh.workers()) await w.terminate();
    const submitted = await client.submit('effects', { key: 'poison-run' }, { key: 'poison-run' });
    expect(submitted.accepted).toBe(true);
    const runId = submitted.runId!;
    const stored = await until('the run queued on AF_RUNS', async () => jsm.streams.getMessage('AF_RUNS', { last_by_subj: 'af.v1.runs.execute' }).catch(() => undefined).then((m) => (m && fromBinary(ExecuteRunSchema, m.data).runId === runId ? m : undefined)), 15_000);
    const original = fromBinary(ExecuteRunSchema, stored.data);
    await jsm.streams.deleteMessage('AF_RUNS', stored.seq);
    const corrupt = toBinary(ExecuteRunSchema, create(ExecuteRunSchema, { ...original, artifactHash: `sha256:${'0'.repeat(64)}` }));
    await js.publish('af.v1.runs.execute', corrupt, { headers: stored.header, msgID: `chaos-corrupt-${runId}` });
    const corruptedAt = Date.now();
    for (const w of mesh.workers()) await w.start();
    const deadRun = await until('the run dead_lettered', async () => ((await client.run(runId))?.body['status'] === 'dead_lettered' ? true : undefined), 20_000);
    const runDeadLetteredInMs = Date.now() - corruptedAt;
    const letters = await client.api('GET', '/v1/dead-letters?limit=100');
    const letter = ((letters.body['items'] as Record<string, unknown>[]) ?? []).find((d) => d['runId'] === runId);
    expect(letter).toBeDefined();
    const retried = await client.api('POST', `/v1/dead-letters/${String(letter!['id'] ?? letter!['deadLetterId'])}/retry`, { body: {} });
    const final = await client.settle([runId], 60_000);
    printCounts('poison message', { submitted: 1, accepted: 1, succeeded: final.get(runId)?.['status'] === 'succeeded' ? 1 : 0, failed: 0, cancelled: 0, deadLettered: 0, lost: final.has(runId) ? 0 : 1, stuck: 0, effects: effects.forKey('poison-run'), duplicateEffects: effects.countFor(['poison-run']).duplicates, retriedRuns: 0, fiveHundreds: client.tally.fiveHundreds(), transportErrors: client.tally.transportErrors }, { rawDeadLetteredInMs: deadLetteredInMs, runDeadLetteredInMs, retryStatus: retried.status });

    expect(first).toBeDefined();
    expect(deadLetteredInMs).toBeLessThan(10_000);
    expect(deadRun).toBe(true);
    expect(runDeadLetteredInMs).toBeLessThan(15_000);
    expect([200, 202]).toContain(retried.status);
    expect(final.get(runId)?.['status']).toBe('succeeded');
    expect(effects.forKey('poison-run')).toBe(STEPS);
    expect((await client.api('POST', `/v1/dead-letters/${String(letter!['id'] ?? letter!['deadLetterId'])}/retry`, { body: {} })).status).toBe(409);
  });

  it('the same Idempotency-Key twice makes one run; with another body it is refused', async () => {
    const first = await client.api('POST', '/v1/agents/effects/runs', { body: { input: { key: 'idem-1' } }, headers: { 'idempotency-key': 'chaos-idem-1' } });
    const second = await client.api('POST', '/v1/agents/effects/runs', { body: { input: { key: 'idem-1' } }, headers: { 'idempotency-key': 'chaos-idem-1' } });
    const other = await client.api('POST', '/v1/agents/effects/runs', { body: { input: { key: 'idem-2' } }, headers: { 'idempotency-key': 'chaos-idem-1' } });
    const runs = await client.settle([String(first.body['runId'])], 60_000);
    const listed = (await listRuns(client, 'effects')).filter((r) => r['runId'] === first.body['runId'] || r['runId'] === second.body['runId']);
    printCounts('idempotency key', { submitted: 2, accepted: [first, second].filter((r) => r.status < 300).length, succeeded: runs.get(String(first.body['runId']))?.['status'] === 'succeeded' ? 1 : 0, failed: 0, cancelled: 0, deadLettered: 0, lost: 0, stuck: 0, effects: effects.forKey('idem-1'), duplicateEffects: effects.countFor(['idem-1']).duplicates, retriedRuns: 0, fiveHundreds: client.tally.fiveHundreds(), transportErrors: 0 }, { statuses: [first.status, second.status, other.status] });

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body['runId']).toBe(first.body['runId']);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', path: '/headers/idempotency-key' });
    expect(listed).toHaveLength(1);
    expect(effects.forKey('idem-1')).toBe(STEPS);
  });

  it('cancel a running run: it ends cancelled and starts no further tool call', async () => {
    await client.deploy(effectBlueprint('long-effects', 8));
    const before = await workerRunsTotal(mesh.workers());
    const submitted = await client.submit('long-effects', { key: 'cancel-1' }, { key: 'cancel-1' });
    expect(submitted.accepted).toBe(true);
    await until('the first step', async () => effects.forKey('cancel-1') >= 1, 20_000, 20);
    const cancel = await client.api('POST', `/v1/runs/${submitted.runId!}/cancel`, { body: { reason: 'chaos test' } });
    const atCancel = effects.forKey('cancel-1');
    const final = await client.settle([submitted.runId!], 30_000);
    // The worker's attempt is over once its run counter moved (whatever the outcome it records).
    const attemptEnded = await until('the worker to end its attempt', async () => (await workerRunsTotal(mesh.workers())) > before, 30_000).catch(() => false);
    const atEnd = effects.forKey('cancel-1');
    printCounts('cancel running run', { submitted: 1, accepted: 1, succeeded: 0, failed: 0, cancelled: final.get(submitted.runId!)?.['status'] === 'cancelled' ? 1 : 0, deadLettered: 0, lost: 0, stuck: 0, effects: atEnd, duplicateEffects: effects.countFor(['cancel-1']).duplicates, retriedRuns: 0, fiveHundreds: client.tally.fiveHundreds(), transportErrors: 0 }, { cancelStatus: cancel.status, stepsAtCancel: atCancel, stepsAtEnd: atEnd, of: 8 });

    expect(cancel.status).toBe(200);
    expect(final.get(submitted.runId!)?.['status']).toBe('cancelled');
    expect(attemptEnded).toBe(true);
    // The step in flight when the cancel landed may finish; no new one starts after it.
    expect(atEnd).toBeLessThanOrEqual(atCancel + 1);
    expect(atEnd).toBeLessThan(8);
  });

  it('a tenant flooding 1 000 runs does not delay another tenant’s run by more than its fair share', async () => {
    const quiet = await new ChaosClient(() => mesh.gateway.url, mesh.jwtSecret).login();
    await quiet.deploy(effectBlueprint('quiet', STEPS));
    // Its own run time on an idle mesh.
    const t0 = Date.now();
    const solo = await quiet.submit('quiet', { key: 'quiet-solo' }, { key: 'quiet-solo' });
    await quiet.settle([solo.runId!], 60_000);
    const soloMs = Date.now() - t0;

    const flood = await new ChaosClient(() => mesh.gateway.url, mesh.jwtSecret).login();
    await flood.deploy(effectBlueprint('flood', STEPS));
    const outcomes = [];
    for (let i = 0; i < 1_000; i += 50) {
      outcomes.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => flood.submit('flood', { key: `flood-${i + j}` }, { key: `flood-${i + j}`, deadlineMs: 5_000 })))));
    }
    const t1 = Date.now();
    const mine = await quiet.submit('quiet', { key: 'quiet-flooded' }, { key: 'quiet-flooded' });
    const done = await quiet.settle([mine.runId!], 120_000);
    const floodedMs = Date.now() - t1;
    // The bound: one dispatch round (at most one of the flooder's runs ahead of ours on a worker
    // slot: one run time) + our own run time + 3 s for the dispatcher's tick and our polling.
    // Without fairness our run would wait behind ~1 000 × 1.2 s / worker slots.
    const boundMs = 2 * soloMs + 3_000;
    printCounts('fairness', { submitted: outcomes.length + 1, accepted: outcomes.filter((o) => o.accepted).length + 1, succeeded: done.get(mine.runId!)?.['status'] === 'succeeded' ? 1 : 0, failed: 0, cancelled: 0, deadLettered: 0, lost: 0, stuck: 0, effects: effects.countFor(['quiet-solo', 'quiet-flooded']).effects, duplicateEffects: effects.countFor(['quiet-solo', 'quiet-flooded']).duplicates, retriedRuns: 0, fiveHundreds: { ...flood.tally.fiveHundreds(), ...quiet.tally.fiveHundreds() }, transportErrors: 0 }, { soloMs, floodedMs, boundMs, floodRefused429: flood.tally.count((s) => s === 429) });

    expect(done.get(mine.runId!)?.['status']).toBe('succeeded');
    expect(floodedMs).toBeLessThanOrEqual(boundMs);
    expect(flood.tally.count((s) => s === 500)).toBe(0);
  });
});

/** Every run of the client's tenant for an agent (GET /v1/runs, following the cursor). */
async function listRuns(client: ChaosClient, agent: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await client.api('GET', `/v1/runs?agent=${agent}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET /v1/runs: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...((res.body['items'] as Record<string, unknown>[]) ?? []));
    cursor = (res.body['nextCursor'] as string | null) ?? null;
    if (!cursor) break;
  }
  return items;
}

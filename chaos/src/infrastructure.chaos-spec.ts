import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ChaosClient } from './support/client.js';
import { load, printCounts, sleep, tally, until, type DrillCounts } from './support/drill.js';
import { EffectRecorder, effectBlueprint } from './support/effects.js';
import { ChaosMesh } from './support/mesh.js';

/**
 * Dependency faults: our own nats-server frozen (SIGSTOP) and killed, our own PostgreSQL restarted
 * and down for CHAOS_PG_DOWN_MS (3 minutes by default, as CI runs it), our own Redis and Neo4j
 * down — all mid-load. The guarantees asserted after each: 0 lost, 0 stuck, every step executed,
 * no finished step executed again (a step whose platform call the fault cut runs once more), and
 * clients told 503 or 504 (never 500), whose retries with the same Idempotency-Key
 * are safe (one run per key).
 */
const STEPS = 3;
const PG_DOWN_MS = Number(process.env['CHAOS_PG_DOWN_MS'] ?? 180_000);

describe('chaos: dependency faults (NATS, PostgreSQL, Redis, Neo4j)', () => {
  const mesh = new ChaosMesh({ workers: 2, extra: ['memory', 'health'], neo4j: true });
  const effects = new EffectRecorder();
  let client: ChaosClient;

  beforeAll(async () => {
    try {
      await mesh.start();
      await effects.start(mesh.nats.url);
      client = await new ChaosClient(() => mesh.gateway.url, mesh.jwtSecret).login();
      await client.deploy(effectBlueprint('effects', STEPS));
    } catch (error) {
      await mesh.dispose();
      throw error;
    }
  }, 300_000);

  afterAll(async () => {
    await effects.stop();
    await mesh.dispose();
  }, 120_000);

  /** Load with a fault in the middle, then the guarantees every dependency drill asserts. */
  async function drill(name: string, prefix: string, fault: () => Promise<void>, opts: { total?: number; perSecond?: number; faultAtMs?: number; settleMs?: number } = {}): Promise<DrillCounts> {
    const fresh = await new ChaosClient(() => mesh.gateway.url, mesh.jwtSecret, client.tenant).login();
    let faultAt = Number.POSITIVE_INFINITY;
    const timedFault = async () => {
      faultAt = Date.now();
      await fault();
    };
    const { outcomes, faultError } = await load(fresh, 'effects', { prefix, total: opts.total ?? 40, perSecond: opts.perSecond ?? 8, faultAtMs: opts.faultAtMs ?? 2_000, fault: timedFault });
    const { counts, runs } = await tally(fresh, outcomes, effects, opts.settleMs ?? 180_000);
    // Every step of every accepted run executed (repeats are judged below).
    const wrongEffects = outcomes.filter((o) => o.accepted && effects.countFor([o.key]).effects !== STEPS).length;
    // A run that did not succeed is printed whole (status, error, attempts): the reason is what a
    // failed drill needs to be understood from a CI log alone.
    const unsuccessful = [...runs.values()].filter((r) => r['status'] !== 'succeeded').map((r) => ({ id: r['id'], status: r['status'], attempts: r['attempts'], error: r['error'] }));
    // A step whose call to the platform was cut by the fault (a memory.recall sent into a frozen
    // NATS) is not stored: the run is handed back and the step runs again — at least once, with
    // its step id as idempotency key, like a step in flight on a killed worker. A step that had
    // finished before the fault never runs again, nor does any step run three times or two of a run.
    const keys = outcomes.map((o) => o.key);
    const finishedRepeated = effects.repeatsOfFinishedSteps(keys, faultAt, 0);
    printCounts(name, counts, { runsWithWrongEffectCount: wrongEffects, answersSeen: [...new Set(outcomes.flatMap((o) => o.answers))].sort(), inFlightStepsRepeated: counts.duplicateEffects - finishedRepeated.length, repeats: effects.countFor(keys).markers.slice(0, 10), finishedRepeats: finishedRepeated.slice(0, 10), unsuccessful });

    expect(faultError).toBeUndefined();
    expect(counts.fiveHundreds[500] ?? 0).toBe(0);
    expect(Object.keys(counts.fiveHundreds).every((s) => s === '503' || s === '504')).toBe(true);
    expect(counts.accepted).toBe(counts.submitted);
    expect(counts.lost).toBe(0);
    expect(counts.stuck).toBe(0);
    expect(counts.succeeded).toBe(counts.accepted);
    expect(finishedRepeated).toEqual([]);
    expect(wrongEffects).toBe(0);
    return counts;
  }

  it('NATS frozen (SIGSTOP) for 10 s mid-load, then SIGCONT', async () => {
    await drill('NATS frozen 10 s', 'nats-freeze', async () => {
      mesh.nats.freeze();
      await sleep(10_000);
      mesh.nats.thaw();
    });
  });

  it('NATS killed mid-load, restarted on the same store', async () => {
    await drill('NATS killed and restarted', 'nats-kill', async () => {
      await mesh.nats.kill();
      await sleep(3_000);
      await mesh.nats.start();
    });
  });

  it('PostgreSQL restarted (crash, immediate restart) mid-load', async () => {
    await drill('PostgreSQL restarted', 'pg-restart', async () => {
      mesh.postgres.stop('immediate');
      mesh.postgres.start().catch(() => undefined);
      await until('PostgreSQL back', async () => (await fetch(`${mesh.service('orchestrator').url}/health/ready`).then((r) => r.ok, () => false)) || undefined, 60_000, 250);
    });
  });

  it(`PostgreSQL down for ${PG_DOWN_MS} ms mid-load (CHAOS_PG_DOWN_MS)`, async () => {
    await drill(
      `PostgreSQL down ${PG_DOWN_MS} ms`,
      'pg-down',
      async () => {
        mesh.postgres.stop('fast');
        await sleep(PG_DOWN_MS);
        await mesh.postgres.start();
      },
      { total: 30, perSecond: 4, settleMs: 240_000 },
    );
  }, PG_DOWN_MS + 420_000);

  it('Redis down mid-load (optional caches fail fast, runs still succeed)', async () => {
    await drill('Redis down 10 s', 'redis-down', async () => {
      await mesh.redis.kill();
      await sleep(10_000);
      await mesh.redis.start();
    });
  });

  it('Neo4j down mid-load: runs still succeed and memory catches up once it is back', async () => {
    const neo4j = mesh.neo4j!;
    await drill('Neo4j down 15 s', 'neo4j-down', async () => {
      await neo4j.kill();
      await sleep(15_000);
      await neo4j.start();
    });
    // Memory caught up: every consumer the memory service owns on AF_EVENTS (one per tier, or one
    // for all) has nothing pending or unacknowledged.
    const nc = await connect({ servers: mesh.nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const memoryConsumers = async () => (await jsm.consumers.list('AF_EVENTS').next()).filter((c) => c.name.startsWith('memory-'));
      const caughtUp = await until(
        'the memory consumers to drain',
        async () => {
          const consumers = await memoryConsumers();
          return consumers.length > 0 && consumers.every((c) => c.num_pending === 0 && c.num_ack_pending === 0) ? consumers : undefined;
        },
        120_000,
        500,
      );
      console.log(`[chaos] Neo4j down: memory consumers drained ${JSON.stringify(caughtUp.map((c) => ({ name: c.name, delivered: c.delivered.stream_seq, pending: c.num_pending, ackPending: c.num_ack_pending, redelivered: c.num_redelivered })))}`);
      expect(caughtUp.every((c) => c.num_pending === 0)).toBe(true);
    } finally {
      await nc.close();
    }
  });
});

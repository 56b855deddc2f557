// The four queue systems of bench:runs (issue 13 items a–d), each behind the same small interface:
//   const system = await setupX(ctx);   // its own stream / queue / schema / namespace
//   await system.job(i);                // publishes job i (1 KiB JSON) and resolves when a consumer
//                                       // of the same process has handled and acknowledged it
//   await system.close();               // stops and deletes everything it created
// The driver (closedLoop in runs.bench.mjs) keeps `inFlight` jobs going: a job is published only
// when another one has been acknowledged, so every system sees the same concurrency.
import { randomUUID } from 'node:crypto';

/** A 1 KiB JSON document (the bench's payload for every system): `{"id":…,"pad":"xxx…"}`. */
export function payload(id, bytes = 1_024) {
  const head = JSON.stringify({ id, pad: '' });
  return JSON.stringify({ id, pad: 'x'.repeat(Math.max(0, bytes - head.length)) });
}

/** Completion of job ids: the producer waits on `wait(id)`, the consumer calls `done(id)`. */
class Completions {
  #waiting = new Map();
  wait(id) {
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }
  done(id) {
    const w = this.#waiting.get(id);
    if (!w) return;
    this.#waiting.delete(id);
    w.resolve();
  }
  failAll(error) {
    for (const w of this.#waiting.values()) w.reject(error);
    this.#waiting.clear();
  }
}

/**
 * (a) raw nats.js 3.4: a file stream of its own (work-queue retention, 2-minute duplicate window),
 * publish with a message id (dedup), one durable pull consumer read with `consume()`, explicit ack.
 */
export async function setupRawJetStream({ natsUrl, tag, inFlight }) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager, AckPolicy, RetentionPolicy, StorageType } = await import('@nats-io/jetstream');
  const { nanos } = await import('@nats-io/nats-core');
  const stream = `BENCH_RUNS_RAW_${tag}`;
  const subject = `bench.runs.${tag}.raw`;
  const nc = await connect({ servers: natsUrl, name: `bench-runs-raw-${tag}` });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Workqueue, duplicate_window: nanos(120_000) });
  await jsm.consumers.add(stream, { durable_name: 'bench', ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000), max_ack_pending: 10_000 });
  const js = jetstream(nc);
  const completions = new Completions();
  const messages = await (await js.consumers.get(stream, 'bench')).consume({ max_messages: inFlight });
  const consuming = (async () => {
    for await (const msg of messages) {
      const { id } = msg.json();
      msg.ack();
      completions.done(id);
    }
  })();
  const encoder = new TextEncoder();
  return {
    name: 'raw nats.js → JetStream',
    async job(i) {
      const id = `${i}-${randomUUID()}`;
      const done = completions.wait(id);
      await js.publish(subject, encoder.encode(payload(id)), { msgID: id });
      await done;
    },
    async close() {
      await messages.close().catch(() => undefined);
      await consuming.catch(() => undefined);
      completions.failAll(new Error('closed'));
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}

/** (b) BullMQ on the local Redis: a queue of its own under a key prefix of its own, one Worker with `concurrency` = in flight. */
export async function setupBullMq({ redisUrl, tag, inFlight }) {
  const { Queue, Worker } = await import('bullmq');
  const prefix = `afbench-runs-${tag}`;
  const name = 'jobs';
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection, prefix });
  const completions = new Completions();
  const worker = new Worker(
    name,
    async (job) => {
      // The same work as the others: read the job's id from its JSON.
      return JSON.parse(job.data.body).id;
    },
    { connection, prefix, concurrency: inFlight, removeOnComplete: { count: 0 }, removeOnFail: { count: 0 } },
  );
  worker.on('completed', (job) => completions.done(job.id));
  await worker.waitUntilReady();
  await queue.waitUntilReady();
  return {
    name: 'BullMQ',
    async job(i) {
      const id = `${i}-${randomUUID()}`;
      const done = completions.wait(id);
      await queue.add('job', { body: payload(id) }, { jobId: id, removeOnComplete: true, removeOnFail: true });
      await done;
    },
    async close() {
      await worker.close(true).catch(() => undefined);
      completions.failAll(new Error('closed'));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      // Whatever obliterate left (meta, events stream, id counter).
      const { Redis } = await import('ioredis');
      const redis = new Redis(redisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/**
 * (c) pg-boss 12 on the local PostgreSQL, in a schema of its own: `send` (durable insert), and one
 * consumer loop that fetches a batch of up to `inFlight` jobs, handles them and completes the batch
 * in one call (pg-boss's batch fetch; `work()` would wait out its polling interval between batches).
 */
export async function setupPgBoss({ databaseUrl, tag, inFlight }) {
  const { PgBoss } = await import('pg-boss');
  const schema = `bench_runs_pgboss_${tag}`;
  const name = 'jobs';
  const boss = new PgBoss({ connectionString: databaseUrl, schema, max: 16, supervise: false, schedule: false });
  boss.on('error', (error) => console.error(`pg-boss: ${error.message}`));
  await boss.start();
  await boss.createQueue(name);
  const completions = new Completions();
  let stopping = false;
  // The consumer polls only while this system is measured: an idle fetch loop would load PostgreSQL during the others' turns.
  let paused = true;
  let wake = () => undefined;
  const consuming = (async () => {
    while (!stopping) {
      if (paused) {
        await new Promise((resolve) => (wake = resolve));
        continue;
      }
      const jobs = await boss.fetch(name, { batchSize: inFlight });
      if (jobs.length === 0) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      const ids = jobs.map((job) => JSON.parse(job.data.body).id);
      await boss.complete(name, jobs.map((job) => job.id));
      for (const id of ids) completions.done(id);
    }
  })();
  return {
    name: 'pg-boss',
    resume() {
      paused = false;
      wake();
    },
    pause() {
      paused = true;
    },
    async job() {
      const id = randomUUID();
      const done = completions.wait(id);
      await boss.send(name, { body: payload(id) }, { id });
      await done;
    },
    async close() {
      stopping = true;
      wake();
      await consuming.catch(() => undefined);
      completions.failAll(new Error('closed'));
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      const pg = (await import('pg')).default;
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await db.end();
      }
    },
  };
}

/**
 * (d) @af/messaging alone, used as the services use it, in a NATS namespace of its own (its own
 * AF_RUNS stream and worker-runs consumer, provisioned from @af/contracts): the orchestrator's side
 * publishes ExecuteRun through MessageBus.publish (protobuf, tenant/correlation/trace headers,
 * msg-id dedup, waits for the stream's ack); the worker's side is a JetStreamServer with the
 * worker's consumer (SlotConsumer pull, in-progress heartbeats, explicit ack after the handler),
 * `concurrency` = in flight. The handler does nothing but note the run id.
 * AF_NAMESPACE must be set before @af/messaging is first imported.
 */
export async function setupMessaging({ natsUrl, inFlight }) {
  const { MessageBus, JetStreamServer, connectNats, ensureStream, ensureConsumer, processNamespace } = await import('@af/messaging');
  const { streams, consumers } = await import('@af/contracts');
  const { createLogger, MetricsRegistry, initTracing } = await import('@af/observability');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const ns = processNamespace();
  if (!ns.value) throw new Error('setupMessaging needs AF_NAMESPACE (never the mesh\'s streams)');
  // As bootstrapService does: a tracer provider is registered (spans get ids; nothing exported without an OTLP endpoint).
  initTracing({ service: 'worker' });
  const publisherNc = await connectNats({ url: natsUrl, service: 'orchestrator', instanceId: `bench-${ns.value}` });
  const consumerNc = await connectNats({ url: natsUrl, service: 'worker', instanceId: `bench-${ns.value}` });
  const jsm = await jetstreamManager(publisherNc);
  await ensureStream(jsm, ns.stream(streams.AF_RUNS), 1);
  await ensureConsumer(jsm, ns.consumer(consumers['worker-runs']));
  const bus = new MessageBus(publisherNc, jetstream(publisherNc), { service: 'orchestrator', url: natsUrl, requestTimeoutMs: 5_000, instanceId: 'bench' });
  const completions = new Completions();
  const logger = createLogger('worker', 'warn');
  const server = new JetStreamServer({ service: 'worker', connection: consumerNc, logger, metrics: new MetricsRegistry('worker'), consumerConcurrency: { 'worker-runs': inFlight } });
  server.addHandler('af.v1.runs.execute', async (run) => completions.done(run.runId), true);
  await new Promise((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
  return {
    name: '@af/messaging (MessageBus → JetStreamServer)',
    async job(i) {
      const runId = randomUUID();
      const done = completions.wait(runId);
      await bus.publish(
        'af.v1.runs.execute',
        { runId, agent: 'bench', version: 1, artifactHash: 'sha256:bench', inputJson: payload(`${i}`), priority: 'normal', dispatch: 1, requestedBy: 'bench' },
        { msgId: `run-execute:${runId}`, tenantId: 'bench' },
      );
      await done;
    },
    async close() {
      await server.close().catch(() => undefined);
      completions.failAll(new Error('closed'));
      await consumerNc.close().catch(() => undefined);
      await publisherNc.close().catch(() => undefined);
    },
  };
}

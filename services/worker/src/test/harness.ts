import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import { create, toBinary } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema, RunFailedSchema, RunStartedSchema, RunSucceededSchema, activeDeploymentKey, kvBuckets, type RunFailed, type RunSucceeded, type TenantId } from '@af/contracts';
import { bootstrapService, type RunningService } from '@af/runtime';
import { KvBuckets, connectNats, decode, MessageBus, processNamespace, provisionFor } from '@af/messaging';
import { dropSchema, startServiceProcess, uniqueName, type ServiceProcess } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadWorkerConfig } from '../config.js';
import type { SafeFetch } from '../tools/safe-fetch.js';

/** Boots the real worker in this process (HTTP on a free port, real NATS), with tight sandbox limits. */
export async function startWorker(sandbox: { timeoutMs?: number; memoryLimitMb?: number; shutdownGraceMs?: number; fetch?: SafeFetch } = {}): Promise<RunningService> {
  const config = loadWorkerConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' });
  const timeoutMs = sandbox.timeoutMs ?? 500;
  const tuned = { ...config, sandbox: { ...config.sandbox, timeoutMs, cpuTimeMs: Math.round(timeoutMs * 0.6), memoryLimitMb: sandbox.memoryLimitMb ?? 16 } };
  return bootstrapService({
    service: 'worker',
    ...tuned,
    http: { ...config.http, port: 0 },
    consumerConcurrency: { 'worker-runs': config.runs.concurrency },
    shutdownGraceMs: sandbox.shutdownGraceMs ?? config.runs.shutdownGraceMs,
    module: (runtime) => AppModule.forRoot(tuned, runtime, sandbox.fetch ? { fetch: sandbox.fetch } : {}),
  });
}

/**
 * Starts the real compilation service as its own process, from its build output, with its own
 * schema — the worker talks to it only over NATS, as in the mesh (services never import each other).
 */
export async function startCompilationProcess(): Promise<ServiceProcess> {
  const schema = uniqueName('compilation_worker_test');
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  // Its own schema and Redis key prefix (entries expire with the compilation cache TTL).
  const compilation = await startServiceProcess('compilation', { COMPILATION_DB_SCHEMA: schema, REDIS_KEY_PREFIX: `${schema}:`, DATABASE_URL: databaseUrl });
  return {
    url: compilation.url,
    async stop() {
      await compilation.stop();
      await dropSchema(databaseUrl, schema);
    },
  };
}

/**
 * Starts the real orchestrator as its own process with its own schema: it owns runs and their
 * step journal (af.v1.runs.steps.begin/complete), which every run the worker executes goes through.
 */
export async function startOrchestratorProcess(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const schema = uniqueName('orchestrator_worker_test');
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const orchestrator = await startServiceProcess('orchestrator', { ORCHESTRATOR_DB_SCHEMA: schema, DATABASE_URL: databaseUrl, ...env });
  return {
    url: orchestrator.url,
    async stop() {
      await orchestrator.stop();
      await dropSchema(databaseUrl, schema);
    },
  };
}

export type RunOutcome = { kind: 'succeeded'; event: RunSucceeded } | { kind: 'failed'; event: RunFailed };

/** A client of the mesh: its own NATS connection, a MessageBus, and a watcher of run outcomes on AF_EVENTS. */
export async function connectClient() {
  const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, service: 'gateway', instanceId: uniqueName('test') });
  await provisionFor(nc, { service: 'gateway' });
  const js = jetstream(nc);
  const bus = new MessageBus(nc, js, { service: 'gateway', url, requestTimeoutMs: 10_000, instanceId: 'test' });

  const outcomes = new Map<string, RunOutcome>();
  /** RunStarted events per run: one per delivery of its ExecuteRun. */
  const starts = new Map<string, number>();
  const waiters = new Map<string, (outcome: RunOutcome) => void>();
  const ns = processNamespace();
  const consumer = await js.consumers.get(ns.streamName('AF_EVENTS'), { filter_subjects: ns.subject('af.v1.runs.event.>'), deliver_policy: DeliverPolicy.New });
  const messages: ConsumerMessages = await consumer.consume();
  void (async () => {
    for await (const msg of messages) {
      let outcome: RunOutcome | undefined;
      if (ns.strip(msg.subject) === 'af.v1.runs.event.started') {
        const runId = decode(RunStartedSchema, msg.data).runId;
        starts.set(runId, (starts.get(runId) ?? 0) + 1);
      }
      if (ns.strip(msg.subject) === 'af.v1.runs.event.succeeded') outcome = { kind: 'succeeded', event: decode(RunSucceededSchema, msg.data) };
      else if (ns.strip(msg.subject) === 'af.v1.runs.event.failed') outcome = { kind: 'failed', event: decode(RunFailedSchema, msg.data) };
      if (!outcome) continue;
      outcomes.set(outcome.event.runId, outcome);
      waiters.get(outcome.event.runId)?.(outcome);
    }
  })();

  /** The outcome event of a run (succeeded or failed), waiting for it if needed. */
  const outcomeOf = (runId: string, timeoutMs = 15_000): Promise<RunOutcome> => {
    const known = outcomes.get(runId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no outcome for run ${runId} within ${timeoutMs} ms`)), timeoutMs);
      waiters.set(runId, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  };

  /**
   * Submits a run of `agent` as a client would, through the orchestrator: `artifactHash` becomes
   * the agent's active deployment (version 1) for `tenantId` first; `caller` becomes the run's
   * requested_by. Returns the run id.
   */
  const submit = async (tenantId: TenantId, agent: string, artifactHash: string, input: unknown, caller?: { subject: string; roles: string[] }): Promise<string> => {
    const kv = await new KvBuckets(nc).get(kvBuckets.activeDeployments);
    await kv.put(activeDeploymentKey(tenantId, agent), toBinary(ActiveDeploymentSchema, create(ActiveDeploymentSchema, { deploymentId: `d-${agent}`, agent, version: 1, artifactHash, activatedAtMs: 1n })));
    return (await bus.request('af.v1.runs.submit', { agent, inputJson: JSON.stringify(input), ...(caller ? { caller } : {}) }, { tenantId })).runId;
  };

  return {
    nc,
    bus,
    submit,
    outcomeOf,
    /** How many deliveries of the run have started so far. */
    startsOf: (runId: string) => starts.get(runId) ?? 0,
    async close() {
      await messages.close();
      await nc.drain();
    },
  };
}

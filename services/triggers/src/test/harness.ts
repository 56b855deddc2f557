import { randomBytes } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import pg from 'pg';
import { ActiveDeploymentSchema, ArtifactReplySchema, ErrorReplySchema, GetArtifactRequestSchema, Headers, SubmitRunReplySchema, SubmitRunRequestSchema, activeDeploymentKey, kvBuckets, type TenantId } from '@af/contracts';
import { decode, encode, ensureKvBucket, processNamespace } from '@af/messaging';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, startServiceProcess, uniqueName, type ServiceProcess } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadTriggersConfig } from '../config.js';

export const adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `count` triggers-service instances in this process sharing one schema (as replicas share a database). */
export async function startTriggers(count: number, env: Record<string, string> = {}) {
  const config = loadTriggersConfig({ ...process.env, TRIGGERS_TICK_INTERVAL_MS: '200', ...env });
  const schema = uniqueName('triggers_test');
  const services: RunningService[] = [];
  for (let i = 0; i < count; i++) services.push((await startTestService({ service: 'triggers', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) })).service);
  return {
    services,
    schema,
    async stop() {
      for (const s of services) await s.close();
      await dropSchema(config.database.url, schema);
    },
  };
}

export function connectClient() {
  return connectTestClient();
}

const status = (value: 'ok' | 'error') => {
  const h = natsHeaders();
  h.set(Headers.status, value);
  return h;
};

export interface Submitted {
  tenant: string;
  agent: string;
  trigger: string;
  input: Record<string, unknown>;
  idempotencyKey: string;
  runId: string;
  replayed: boolean;
}

/**
 * Stand-ins for the orchestrator's `af.v1.runs.submit` (idempotency keys answered with the first
 * run, as the orchestrator does) and compilation's `af.v1.compilation.artifact.get` (artifacts
 * this test registers), for this test's tenants only. The triggers service may not import them.
 */
export function standIns(nc: NatsConnection, tenants: Set<string>) {
  const submitted: Submitted[] = [];
  const artifacts = new Map<string, unknown>();
  const runsByKey = new Map<string, string>();
  const runs = nc.subscribe(processNamespace().subject('af.v1.runs.submit'), {
    callback: (_err, msg) => {
      const tenant = msg.headers?.get(Headers.tenantId) ?? '';
      if (!tenants.has(tenant)) return;
      const r = decode(SubmitRunRequestSchema, msg.data);
      const key = `${tenant}:${r.idempotencyKey}`;
      const replayed = r.idempotencyKey !== '' && runsByKey.has(key);
      const runId = runsByKey.get(key) ?? crypto.randomUUID();
      if (r.idempotencyKey) runsByKey.set(key, runId);
      submitted.push({ tenant, agent: r.agent, trigger: r.trigger, input: JSON.parse(r.inputJson) as Record<string, unknown>, idempotencyKey: r.idempotencyKey, runId, replayed });
      msg.respond(encode(SubmitRunReplySchema, { runId, status: 'queued', agent: r.agent, version: 1, replayed }), { headers: status('ok') });
    },
  });
  const compilation = nc.subscribe(processNamespace().subject('af.v1.compilation.artifact.get'), {
    callback: (_err, msg) => {
      if (!tenants.has(msg.headers?.get(Headers.tenantId) ?? '')) return;
      const { artifactHash } = decode(GetArtifactRequestSchema, msg.data);
      const artifact = artifacts.get(artifactHash);
      if (!artifact) {
        msg.respond(encode(ErrorReplySchema, { code: 'NOT_FOUND', message: 'no such artifact', detailsJson: '' }), { headers: status('error') });
        return;
      }
      msg.respond(encode(ArtifactReplySchema, { artifactHash, blueprintName: 'x', blueprintVersion: 1, artifactJson: JSON.stringify(artifact), createdAt: '' }), { headers: status('ok') });
    },
  });
  return {
    submitted,
    /** Registers an artifact (its triggers and input schema) under a fresh hash. */
    artifact(triggers: unknown[], inputSchema: unknown = null): string {
      const hash = randomBytes(32).toString('hex');
      artifacts.set(hash, { triggers, input: { schema: inputSchema } });
      return hash;
    },
    stop() {
      runs.unsubscribe();
      compilation.unsubscribe();
    },
  };
}

/** Writes (or deletes) the agent's active deployment in the registry, as the deployment service does. */
export async function setActive(nc: NatsConnection, tenant: TenantId, agent: string, active: { deploymentId: string; version: number; artifactHash: string } | null): Promise<void> {
  const kv = await ensureKvBucket(nc, processNamespace().bucket(kvBuckets.activeDeployments));
  if (!active) await kv.delete(activeDeploymentKey(tenant, agent));
  else await kv.put(activeDeploymentKey(tenant, agent), encode(ActiveDeploymentSchema, { ...active, agent, activatedAtMs: BigInt(Date.now()) }));
}

/** The secrets service as its own process, in a database of its own (its schema name is fixed). */
export async function startSecrets(): Promise<ServiceProcess> {
  const database = uniqueName('triggers_secrets');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const secrets = await startServiceProcess('secrets', { DATABASE_URL: url.toString(), SECRETS_MASTER_KEYS: JSON.stringify({ test: randomBytes(32).toString('base64') }), SECRETS_ACTIVE_MASTER_KEY: 'test' });
  return {
    url: secrets.url,
    async stop() {
      await secrets.stop();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await again.end();
    },
  };
}

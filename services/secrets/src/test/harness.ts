import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadSecretsConfig } from '../config.js';

/** A fresh master key, base64 of 32 random bytes (what the README tells operators to generate). */
export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

export function keysEnv(keys: Record<string, string>, active: string): Record<string, string> {
  return { SECRETS_MASTER_KEYS: JSON.stringify(keys), SECRETS_ACTIVE_MASTER_KEY: active };
}

export interface SecretsUnderTest {
  service: RunningService;
  schema: string;
  databaseUrl: string;
  /** Closes the service, keeping its schema (a restart with other keys reuses it). */
  close(): Promise<void>;
  /** Closes the service and drops its schema. */
  stop(): Promise<void>;
}

/** Boots the real secrets service (free port, real NATS and PostgreSQL, its own schema unless given one). */
export async function startSecrets(env: Record<string, string>, schema = uniqueName('secrets_test')): Promise<SecretsUnderTest> {
  const config = loadSecretsConfig({ ...process.env, ...env });
  const { service } = await startTestService({ service: 'secrets', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await service.close();
  };
  return {
    service,
    schema,
    databaseUrl: config.database.url,
    close,
    async stop() {
      await close();
      await dropSchema(config.database.url, schema);
    },
  };
}

/** A client of the mesh as the gateway or the worker would be, with a JetStream manager to read the audit stream. */
export async function connectClient() {
  const client = await connectTestClient();
  return { ...client, jsm: await jetstreamManager(client.nc) };
}

/** A privileged (owner) connection: reads and alters rows behind the service's back, as an attacker with database access would. */
export async function ownerConnection(databaseUrl: string, schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`SET search_path TO "${schema}"`);
  return client;
}

export const developer = { subject: 'dev@acme.example', roles: ['Developer'], permissions: ['ManageSecrets'] };

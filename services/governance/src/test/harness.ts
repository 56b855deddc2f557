import { jetstreamManager } from '@nats-io/jetstream';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadGovernanceConfig } from '../config.js';

/** Boots the real governance service (free port, real NATS and PostgreSQL, its own schema). */
export async function startGovernance(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; databaseUrl: string; stop(): Promise<void> }> {
  const config = loadGovernanceConfig({ ...process.env, ...env });
  const schema = uniqueName('governance_test');
  const { service } = await startTestService({ service: 'governance', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
  return {
    service,
    schema,
    databaseUrl: config.database.url,
    async stop() {
      await service.close();
      await dropSchema(config.database.url, schema);
    },
  };
}

/** A client of the mesh as another service would be, with a JetStream manager to read streams. */
export async function connectClient() {
  const client = await connectTestClient();
  return { ...client, jsm: await jetstreamManager(client.nc) };
}

export const pm = { subject: 'pm@acme.example', roles: ['ProductManager'], permissions: [] };
export const pm2 = { subject: 'pm2@acme.example', roles: ['ProductManager'], permissions: [] };
export const dev = { subject: 'dev@acme.example', roles: ['Developer'], permissions: [] };
export const viewer = { subject: 'viewer@acme.example', roles: ['Viewer'], permissions: [] };
export const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };
export const admin2 = { subject: 'admin2@acme.example', roles: ['Administrator'], permissions: [] };

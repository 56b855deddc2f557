import { jetstreamManager } from '@nats-io/jetstream';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, startServiceProcess, uniqueName, type ServiceProcess } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadBlueprintsConfig } from '../config.js';

/** Boots the real blueprints service (free port, real NATS and PostgreSQL, its own schema). */
export async function startBlueprints(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; databaseUrl: string; stop(): Promise<void> }> {
  const config = loadBlueprintsConfig({ ...process.env, ...env });
  const schema = uniqueName('blueprints_test');
  const { service } = await startTestService({ service: 'blueprints', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
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

/**
 * Starts the real validation service as its own process (as the mesh runs it): blueprints may
 * not import another service, and this is the dependency exactly as production sees it.
 */
export function startValidationProcess(): Promise<ServiceProcess> {
  return startServiceProcess('validation', { REDIS_KEY_PREFIX: `${uniqueName('aftest')}:` });
}

/** A client of the mesh as another service would be, with a JetStream manager to read streams. */
export async function connectClient() {
  const client = await connectTestClient();
  return { ...client, jsm: await jetstreamManager(client.nc) };
}

/** Callers with the two roles the policy tier tells apart. */
export const developer = { subject: 'dev@acme.example', roles: ['Developer'], permissions: [] };
export const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };

/**
 * The blueprints service in this process, the real validation service beside it, and a client:
 * what every blueprints integration test starts from. The outbox relay runs only when a test asks.
 */
export async function startWithValidation() {
  const [validation, blueprints] = await Promise.all([startValidationProcess(), startBlueprints({ BLUEPRINTS_OUTBOX_INTERVAL_MS: '600000' })]);
  const client = await connectClient();
  return {
    blueprints,
    validation,
    client,
    async stop() {
      await client.close();
      await blueprints.stop();
      await validation.stop();
    },
  };
}

import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadMeteringConfig } from '../config.js';

/** Boots the real metering service (free port, real NATS and PostgreSQL, its own schema). */
export async function startMetering(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; databaseUrl: string; stop(): Promise<void> }> {
  const config = loadMeteringConfig({ ...process.env, ...env });
  const schema = uniqueName('metering_test');
  const { service } = await startTestService({ service: 'metering', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
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

/** A client of the mesh as another service (worker, gateway) would be. */
export function connectClient() {
  return connectTestClient();
}

export const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };

import { bootstrapService, type RunningService } from '@af/runtime';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { uniqueName } from '@af/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { loadDeploymentConfig } from '../config.js';

/** Boots the real deployment service (HTTP on a free port, real NATS and PostgreSQL, its own schema). */
export async function startDeployment(): Promise<{ service: RunningService; schema: string; stop(): Promise<void> }> {
  const config = loadDeploymentConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' });
  const schema = uniqueName('deployment_test');
  const service = await bootstrapService({
    service: 'deployment',
    ...config,
    http: { ...config.http, port: 0 },
    module: (runtime) => AppModule.forRoot(config, runtime, schema),
  });
  return {
    service,
    schema,
    async stop() {
      await service.close();
      const ds = new DataSource({ type: 'postgres', url: config.database.url });
      await ds.initialize();
      await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ds.destroy();
    },
  };
}

/** A client of the mesh as another service would be: its own NATS connection and MessageBus. */
export async function connectClient() {
  const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, service: 'gateway', instanceId: uniqueName('test') });
  await provisionFor(nc, { service: 'gateway' });
  const { jetstream } = await import('@nats-io/jetstream');
  const bus = new MessageBus(nc, jetstream(nc), { service: 'gateway', url, requestTimeoutMs: 5_000, instanceId: 'test' });
  return { nc, bus, close: () => nc.drain() };
}

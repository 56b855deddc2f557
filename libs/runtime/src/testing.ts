import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { bootstrapService, type BootstrapOptions, type RunningService } from './bootstrap.js';

/** The port a running service actually listens on (tests boot on port 0). */
export function httpUrl(service: RunningService): string {
  const address = service.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Boots a real service for an integration test: a free port, quiet logs unless LOG_LEVEL says
 * otherwise. Dependencies are the real ones; isolation comes from the test's own schema,
 * key prefix and tenant ids.
 */
export async function startTestService(options: BootstrapOptions): Promise<{ service: RunningService; url: string }> {
  const service = await bootstrapService({
    ...options,
    http: { ...options.http, port: 0 },
    logLevel: process.env['LOG_LEVEL'] ?? 'warn',
  });
  return { service, url: httpUrl(service) };
}

/** A client of the mesh as another service would be: its own NATS connection and MessageBus. */
export async function connectTestClient(): Promise<{ nc: NatsConnection; bus: MessageBus; close(): Promise<void> }> {
  const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, service: 'gateway', instanceId: `test-${randomUUID().slice(0, 8)}` });
  await provisionFor(nc, { service: 'gateway' });
  const bus = new MessageBus(nc, jetstream(nc), { service: 'gateway', url, requestTimeoutMs: 5_000, instanceId: 'test' });
  return { nc, bus, close: () => nc.drain() };
}

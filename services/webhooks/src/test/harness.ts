import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { EVENTS_CONSUMER_CONCURRENCY } from '../webhooks/webhook.service.js';
import { dropSchema, startServiceProcess, uniqueName, type ServiceProcess } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadWebhooksConfig } from '../config.js';

/** Boots the real webhooks service (free port, real NATS and PostgreSQL, its own schema). */
export async function startWebhooks(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; databaseUrl: string; stop(): Promise<void> }> {
  const config = loadWebhooksConfig({ ...process.env, ...env });
  const schema = uniqueName('webhooks_test');
  const { service } = await startTestService({ service: 'webhooks', ...config, consumerConcurrency: EVENTS_CONSUMER_CONCURRENCY, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
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

/** The real secrets service as its own process (its own master key). */
export function startSecrets(): Promise<ServiceProcess> {
  return startServiceProcess('secrets', { SECRETS_MASTER_KEYS: JSON.stringify({ k1: randomBytes(32).toString('base64') }), SECRETS_ACTIVE_MASTER_KEY: 'k1' });
}

/** A client of the mesh as another service (gateway, deployment) would be. */
export function connectClient() {
  return connectTestClient();
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A local HTTP receiver on 127.0.0.1: records every request; answers from a per-path script (default 200). */
export async function startReceiver(): Promise<{ url: string; port: number; received: Received[]; script: Map<string, number[]>; stop(): Promise<void> }> {
  const received: Received[] = [];
  const script = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = script.get(path)?.shift() ?? 200;
      res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://169.254.169.254/' } : { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'x'.repeat(100_000));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    script,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export const admin = { subject: 'admin@acme.example', roles: ['Administrator'], permissions: [] };

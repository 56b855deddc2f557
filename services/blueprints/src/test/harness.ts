import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bootstrapService, type RunningService } from '@af/runtime';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { uniqueName } from '@af/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { loadBlueprintsConfig } from '../config.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Boots the real blueprints service (HTTP on a free port, real NATS and PostgreSQL, its own schema). */
export async function startBlueprints(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; databaseUrl: string; stop(): Promise<void> }> {
  const config = loadBlueprintsConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', ...env });
  const schema = uniqueName('blueprints_test');
  const service = await bootstrapService({
    service: 'blueprints',
    ...config,
    http: { ...config.http, port: 0 },
    module: (runtime) => AppModule.forRoot(config, runtime, schema),
  });
  return {
    service,
    schema,
    databaseUrl: config.database.url,
    async stop() {
      await service.close();
      const ds = new DataSource({ type: 'postgres', url: config.database.url });
      await ds.initialize();
      await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ds.destroy();
    },
  };
}

/**
 * Starts the real validation service as its own process (built from services/validation, as
 * the mesh runs it): blueprints may not import another service, and this is the dependency
 * exactly as production sees it, over NATS. Needs Redis like the service does.
 */
export async function startValidationProcess(): Promise<{ stop(): Promise<void> }> {
  execFileSync(`${repoRoot}node_modules/.bin/tsc`, ['-b', 'services/validation/tsconfig.app.json'], { cwd: repoRoot, stdio: 'pipe' });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['services/validation/dist/main.js'], {
    cwd: repoRoot,
    env: { ...process.env, HTTP_PORT: String(port), LOG_LEVEL: 'warn', REDIS_KEY_PREFIX: `${uniqueName('aftest')}:`, NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`validation service exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`validation service not ready in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A client of the mesh as another service would be: its own NATS connection and MessageBus. */
export async function connectClient() {
  const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, service: 'gateway', instanceId: uniqueName('test') });
  await provisionFor(nc, { service: 'gateway' });
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const bus = new MessageBus(nc, jetstream(nc), { service: 'gateway', url, requestTimeoutMs: 10_000, instanceId: 'test' });
  return { nc, bus, jsm: await jetstreamManager(nc), close: () => nc.drain() };
}

import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '../../..');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface ServiceProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * Builds a service and runs it as its own process, exactly as the mesh runs it, on a free port
 * and the test's environment (namespace, URLs) plus `env`. For tests of one service that need
 * another one for real: a service may not import another service's code.
 */
export async function startServiceProcess(service: string, env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<ServiceProcess> {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'services', service, 'tsconfig.app.json')], { stdio: 'pipe' });
  // freePort() gives the port back before the service binds it: another process starting at the
  // same moment (CI runs several test projects at once) can take it. Such a boot fails with
  // EADDRINUSE and is retried on another port; any other failure is thrown at once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(service, env, nodeFlags, await freePort());
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !error.message.includes('EADDRINUSE')) throw error;
    }
  }
}

async function launch(service: string, env: Record<string, string>, nodeFlags: string[], port: number): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, join(root, 'services', service, 'dist', 'main.js')], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  // The service logs (JSON lines, LOG_LEVEL warn) to stdout: its tail is kept so that a boot that
  // ends in `process.exit(1)` after logging why (a failed migration, a config error) says why.
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core CI machine a service's boot (migrations included) took over 30 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode} during boot: ${stderr}${stdout ? `\n(its last log lines)\n${stdout}` : ''}`);
    if (await fetch(`${url}/health/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${service} was not ready in 60 s: ${stderr}${stdout ? `\n(its last log lines)\n${stdout}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * Starts several processes at once (e.g. `startAll([startCompilationProcess(), startServiceProcess('metering')])`).
 * When one fails to start, the others that did start are stopped before the error is thrown: a
 * test file whose `beforeAll` failed must not leave its services serving the jest worker's NATS
 * namespace (against its own schema) to the test files that run after it in the same worker.
 */
export async function startAll<T extends readonly unknown[]>(starting: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
  await Promise.all(
    settled.map(async (s) => {
      const value = s.status === 'fulfilled' ? (s.value as { stop?: () => Promise<unknown> } | undefined) : undefined;
      if (value && typeof value.stop === 'function') await value.stop().catch(() => undefined);
    }),
  );
  throw failed.reason;
}

/**
 * The secrets service as its own process in a database of its own (its schema name is fixed), with
 * a master key of this test's; `stop()` drops the database. `adminUrl`: a PostgreSQL URL allowed
 * to create databases (default DATABASE_URL, else the machine's).
 */
export async function startSecretsProcess(env: Record<string, string> = {}, adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'): Promise<ServiceProcess & { masterKeys: string }> {
  const database = `secrets_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const masterKeys = JSON.stringify({ test: randomBytes(32).toString('base64') });
  const secrets = await startServiceProcess('secrets', { DATABASE_URL: url.toString(), SECRETS_MASTER_KEYS: masterKeys, SECRETS_ACTIVE_MASTER_KEY: 'test', ...env });
  return {
    url: secrets.url,
    masterKeys,
    async stop() {
      await secrets.stop();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await again.end();
    },
  };
}

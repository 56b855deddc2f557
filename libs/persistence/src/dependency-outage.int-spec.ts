import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode } from '@af/errors';
import { openDataSource } from './data-source.js';
import { dropServiceRole, serviceRoleName } from './roles.js';
import { openRedis } from './redis.js';

const url = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
const schema = `outage_test_${randomBytes(4).toString('hex')}`;

/** A TCP relay in front of the machine's PostgreSQL that the test can cut (the real server is never touched). */
async function relayTo(host: string, port: number): Promise<{ port: number; cut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe('a dependency outage is UNAVAILABLE (503 + Retry-After), never INTERNAL', () => {
  const opened: DataSource[] = [];
  afterAll(async () => {
    for (const ds of opened) if (ds.isInitialized) await ds.destroy().catch(() => undefined);
    const admin = new DataSource({ type: 'postgres', url: url.toString() });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dropServiceRole(admin, serviceRoleName(schema));
    await admin.destroy();
  });

  it('PostgreSQL gone (connections cut, then refused): queries fail fast with UNAVAILABLE', async () => {
    const relay = await relayTo(url.hostname, Number(url.port || 5432));
    const through = new URL(url.toString());
    through.port = String(relay.port);
    const ds = await openDataSource({ url: through.toString(), schema, entities: [], migrations: [], poolSize: 2, limits: { acquireTimeoutMs: 1_000 } });
    opened.push(ds);
    expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await relay.cut();
    for (const attempt of ['pooled connection lost', 'new connection refused']) {
      const started = Date.now();
      const error = await ds.query('SELECT 1').catch((e: unknown) => e);
      expect({ attempt, error }).toMatchObject({ attempt, error: { code: ErrorCode.Unavailable } });
      expect(error).toBeInstanceOf(AppError);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });

  it('a session ended by the server (57P01 admin_shutdown) is UNAVAILABLE, and the next query gets a fresh connection', async () => {
    const ds = await openDataSource({ url: url.toString(), schema, entities: [], migrations: [], poolSize: 1 });
    opened.push(ds);
    const error = await ds.query('SELECT pg_terminate_backend(pg_backend_pid())').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/57P01|terminat/i) });
    expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('a statement timeout (57014) is UNAVAILABLE inside a transaction too; a unique violation is not translated', async () => {
    // The service role creates no table: the table comes with a migration, run as the owner.
    class CreateUniq1732000000000 {
      name = 'CreateUniq1732000000000';
      async up(q: { query(sql: string): Promise<unknown> }) {
        await q.query('CREATE TABLE IF NOT EXISTS uniq (id int PRIMARY KEY)');
      }
      async down() {}
    }
    const ds = await openDataSource({ url: url.toString(), schema, entities: [], migrations: [CreateUniq1732000000000], limits: { statementTimeoutMs: 150 } });
    opened.push(ds);
    const timeout = await ds.transaction((m) => m.query('SELECT pg_sleep(2)')).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(AppError);
    expect(timeout).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/statement timeout/) });
    await ds.query(`INSERT INTO "${schema}".uniq VALUES (1)`);
    const duplicate = await ds.query(`INSERT INTO "${schema}".uniq VALUES (1)`).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(QueryFailedError);
  });
});

describe('Redis that is gone fails fast with UNAVAILABLE (no offline queue, short command timeout)', () => {
  let server: ChildProcess | undefined;
  let client: Redis | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'af-redis-'));
  afterEach(() => {
    client?.disconnect();
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function startOwnRedis(): Promise<number> {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      if (await canConnect(port)) return port;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('own redis-server did not start');
  }

  it('stopped: a command answers UNAVAILABLE well under a second (was ~9 s of queued retries)', async () => {
    const port = await startOwnRedis();
    client = await openRedis(`redis://127.0.0.1:${port}`, 'af-test:');
    expect(await client.set('k', 'v')).toBe('OK');
    server?.kill('SIGKILL');
    await new Promise((r) => server?.once('exit', r));
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const error = await client.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(new RegExp(`Redis at redis://127\\.0\\.0\\.1:${port}`)) });
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });

  it('frozen (SIGSTOP): a command times out with UNAVAILABLE after the command timeout', async () => {
    const port = await startOwnRedis();
    client = await openRedis(`redis://127.0.0.1:${port}`, 'af-test:', { commandTimeoutMs: 200 });
    server?.kill('SIGSTOP');
    try {
      const started = Date.now();
      const error = await client.get('k').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/timed out/) });
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      server?.kill('SIGCONT');
    }
  });

  it('a reply error (wrong type) stays a reply error', async () => {
    const port = await startOwnRedis();
    client = await openRedis(`redis://127.0.0.1:${port}`, 'af-test:');
    await client.set('s', 'v');
    const error = await client.hgetall('s').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AppError);
    expect(error).toMatchObject({ message: expect.stringMatching(/WRONGTYPE/) });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

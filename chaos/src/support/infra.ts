import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@af/testing';

/**
 * The dependencies a chaos test breaks, each its own process on a free port with its data in a
 * temporary directory: never the machine's PostgreSQL :5432, Redis :6379 or NATS :4222.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tcpOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function waitForPort(name: string, port: number, child: ChildProcess | undefined, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tcpOpen(port))) {
    if (child && child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before listening on ${port}`);
    if (Date.now() > deadline) throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()));
}

/** A daemon we start, signal and restart on the same port and data directory. */
abstract class OwnedDaemon {
  protected child: ChildProcess | undefined;
  readonly dir: string;
  port = 0;

  constructor(readonly kind: string) {
    this.dir = mkdtempSync(join(tmpdir(), `af-chaos-${kind}-`));
  }

  protected abstract command(): [string, string[]];

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const [bin, args] = this.command();
    this.child = spawn(bin, args, { stdio: 'ignore', detached: false });
    await waitForPort(this.kind, this.port, this.child);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL: no shutdown at all. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing (a frozen server). */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const done = exited(this.child);
    if ((await Promise.race([done.then(() => true), sleep(10_000).then(() => false)])) === false) {
      this.child.kill('SIGKILL');
      await done;
    }
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `nats-server -js` with its store in a temp dir: restarted on the same port and store. */
export class OwnNats extends OwnedDaemon {
  constructor() {
    super('nats');
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return ['/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir]];
  }
}

/** `redis-server` without persistence. */
export class OwnRedis extends OwnedDaemon {
  constructor() {
    super('redis');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return ['/usr/bin/redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir]];
  }
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL 15 cluster of its own (initdb into a temp dir as the `postgres` user, trust auth),
 * started and stopped with pg_ctl. `stop('immediate')` is a crash; a restart keeps the data.
 */
export class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'af-chaos-pg-'));
  port = 0;
  private readonly asPostgres: string[] = process.getuid?.() === 0 ? ['/usr/sbin/runuser', '-u', 'postgres', '--'] : [];

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private pgCtl(args: string[]): void {
    const [bin, ...rest] = [...this.asPostgres, `${PG_BIN}/pg_ctl`, '-D', join(this.dir, 'data'), ...args];
    execFileSync(bin!, rest, { stdio: 'pipe', timeout: 60_000 });
  }

  async init(): Promise<void> {
    if (this.asPostgres.length > 0) execFileSync('chown', ['postgres', this.dir]);
    const [bin, ...rest] = [...this.asPostgres, `${PG_BIN}/initdb`, '-D', join(this.dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'];
    execFileSync(bin!, rest, { stdio: 'pipe', timeout: 60_000 });
    this.port = await freePort();
  }

  async start(): Promise<void> {
    // max_connections: nine services' pools plus restarts; fsync off: a test cluster, not a store.
    this.pgCtl(['-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, '-l', join(this.dir, 'log'), '-w', 'start']);
    await waitForPort('postgres', this.port, undefined);
  }

  /** `fast` is a clean shutdown, `immediate` a crash (recovery on the next start). */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    try {
      this.pgCtl(['-m', mode, '-w', 'stop']);
    } catch {
      // not running
    }
  }

  dispose(): void {
    this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The project's embedded Neo4j 5 (tools/neo4j, built by scripts/neo4j.sh) on its own Bolt port and
 * data directory: a second instance starts in ~15 s here.
 */
export class OwnNeo4j extends OwnedDaemon {
  constructor(private readonly root: string) {
    super('neo4j');
  }

  get url(): string {
    return `bolt://127.0.0.1:${this.port}`;
  }

  override async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const [bin, args] = this.command();
    this.child = spawn(bin, args, { stdio: 'ignore' });
    await waitForPort(this.kind, this.port, this.child, 120_000);
  }

  protected command(): [string, string[]] {
    const target = join(this.root, 'tools/neo4j/target');
    return [
      'java',
      [
        '-Xms64m', '-Xmx256m', '-XX:+UseG1GC', '-Dlog4j2.disable.jmx=true',
        '--add-opens=java.base/java.nio=ALL-UNNAMED', '--add-opens=java.base/java.io=ALL-UNNAMED',
        '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED', '--add-opens=java.base/java.lang=ALL-UNNAMED',
        '-cp', `${join(target, 'embedded-neo4j.jar')}:${join(target, 'lib')}/*`, 'io.agentfactory.neo4j.EmbeddedNeo4j',
        '--data-dir', join(this.dir, 'data'), '--logs-dir', this.dir, '--host', '127.0.0.1', '--port', String(this.port),
      ],
    ];
  }
}

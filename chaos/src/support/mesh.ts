import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@af/testing';
import { OwnNats, OwnNeo4j, OwnPostgres, OwnRedis } from './infra.js';

export const root = resolve(import.meta.dirname, '../../..');

export type ServiceName = 'gateway' | 'blueprints' | 'validation' | 'compilation' | 'deployment' | 'orchestrator' | 'worker' | 'health' | 'memory' | 'audit' | 'governance' | 'metering' | 'secrets' | 'webhooks' | 'triggers';

const needsDatabase: ReadonlySet<ServiceName> = new Set(['blueprints', 'compilation', 'deployment', 'orchestrator', 'memory', 'gateway', 'audit', 'governance', 'metering', 'secrets', 'webhooks', 'triggers']);
const needsRedis: ReadonlySet<ServiceName> = new Set(['validation', 'compilation', 'health', 'memory', 'gateway']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One service process of the mesh, started from its built dist exactly as scripts/mesh.sh starts
 * it, on its own HTTP port, with the chaos infrastructure's URLs. Its log goes to
 * `.state/chaos/<run>/<id>.log` (kept for diagnosis; the processes are not).
 */
export class ServiceHandle {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  port = 0;

  constructor(
    readonly id: string,
    readonly service: ServiceName,
    private readonly env: () => Record<string, string>,
    private readonly logDir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process; `waitReady` waits for /health/ready (false: only for /health/live). */
  async start(waitReady = true, timeoutMs = 60_000): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    this.log ??= createWriteStream(join(this.logDir, `${this.id}.log`), { flags: 'a' });
    const flags = this.service === 'worker' ? ['--no-node-snapshot'] : [];
    const child = spawn(process.execPath, [...flags, join(root, 'services', this.service, 'dist', 'main.js')], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NODE_OPTIONS: '', ...this.env(), HTTP_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exit = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    await this.waitFor(waitReady ? 'ready' : 'live', timeoutMs);
  }

  async waitFor(probe: 'ready' | 'live', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.id} exited (${JSON.stringify(await this.exit)}) before it was ${probe}; see ${this.logDir}/${this.id}.log`);
      const ok = await fetch(`${this.url}/health/${probe}`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.id} was not ${probe} within ${timeoutMs} ms; see ${this.logDir}/${this.id}.log`);
      await sleep(200);
    }
  }

  /** kill -9: no shutdown hook runs, nothing is handed back. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM and wait for the exit; returns the exit code (null when a signal ended it). */
  async terminate(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exit;
    this.child!.kill('SIGTERM');
    const result = await Promise.race([this.exit, sleep(timeoutMs).then(() => undefined)]);
    if (result) return result;
    this.child!.kill('SIGKILL');
    await this.exit;
    throw new Error(`${this.id} did not exit within ${timeoutMs} ms of SIGTERM`);
  }

  async dispose(): Promise<void> {
    if (this.running) await this.terminate(15_000).catch(() => this.kill9());
    this.log?.end();
  }
}

export interface MeshOptions {
  workers?: number;
  /** Services to run besides the core (gateway, blueprints, validation, compilation, deployment, orchestrator, workers). */
  extra?: ServiceName[];
  /** Our own Neo4j for the memory service (else memory is pointed at a closed port). */
  neo4j?: boolean;
  env?: Record<string, string>;
}

/**
 * The whole mesh on infrastructure of its own: a nats-server, a PostgreSQL cluster, a Redis (and
 * optionally a Neo4j), each on a free port with its data in a temp dir, and the services from their
 * built dist — at least two workers. `dispose()` stops and removes everything, also after a failure.
 */
export class ChaosMesh {
  readonly nats = new OwnNats();
  readonly postgres = new OwnPostgres();
  readonly redis = new OwnRedis();
  readonly neo4j: OwnNeo4j | undefined;
  readonly jwtSecret = randomBytes(32).toString('base64url');
  readonly logDir: string;
  readonly services = new Map<string, ServiceHandle>();
  private readonly options: MeshOptions;
  private closedPort = 0;

  constructor(options: MeshOptions = {}) {
    this.options = options;
    this.neo4j = options.neo4j ? new OwnNeo4j(root) : undefined;
    this.logDir = join(root, '.state/chaos', `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`);
    mkdirSync(this.logDir, { recursive: true });
  }

  get gateway(): ServiceHandle {
    return this.service('gateway');
  }

  service(id: string): ServiceHandle {
    const handle = this.services.get(id);
    if (!handle) throw new Error(`no service ${id} in this mesh`);
    return handle;
  }

  workers(): ServiceHandle[] {
    return [...this.services.values()].filter((s) => s.service === 'worker');
  }

  /** The environment of one service: our own URLs, fast timings, quiet-ish logs. */
  envFor(service: ServiceName): Record<string, string> {
    const env: Record<string, string> = {
      LOG_LEVEL: process.env['CHAOS_LOG_LEVEL'] ?? 'info',
      NATS_URL: this.nats.url,
      NATS_REQUEST_TIMEOUT_MS: '5000',
      SHUTDOWN_TIMEOUT_MS: '20000',
      AF_NAMESPACE: '',
      AF_JWT_SECRET: this.jwtSecret,
      AF_API_KEY_PEPPER: this.jwtSecret,
      // The drills' bursts are load, not abuse: every tenant on a roomy plan.
      AF_DEFAULT_PLAN: 'enterprise',
      AF_RATE_LIMIT_PLANS: '{"enterprise":{"rps":5000,"burst":10000}}',
      ORCHESTRATOR_OUTBOX_INTERVAL_MS: '500',
      ORCHESTRATOR_OUTBOX_GRACE_MS: '500',
      BLUEPRINTS_OUTBOX_INTERVAL_MS: '1000',
      WORKER_SANDBOX_TIMEOUT_MS: '10000',
      DATABASE_ACQUIRE_TIMEOUT_MS: '3000',
    };
    if (needsDatabase.has(service)) Object.assign(env, { DATABASE_URL: this.postgres.url, DATABASE_POOL_SIZE: '5' });
    if (needsRedis.has(service)) Object.assign(env, { REDIS_URL: this.redis.url, REDIS_KEY_PREFIX: 'chaos:' });
    if (service === 'memory') env['NEO4J_URL'] = this.neo4j ? this.neo4j.url : `bolt://127.0.0.1:${this.closedPort}`;
    return { ...env, ...(this.options.env ?? {}) };
  }

  private add(id: string, service: ServiceName): ServiceHandle {
    const handle = new ServiceHandle(id, service, () => this.envFor(service), this.logDir);
    this.services.set(id, handle);
    return handle;
  }

  async start(): Promise<void> {
    this.closedPort = await freePort();
    await this.postgres.init();
    await Promise.all([this.nats.start(), this.postgres.start(), this.redis.start(), this.neo4j?.start()]);
    // Services that own migrations first, one at a time (two cores): then the ones that call them.
    const order: [string, ServiceName][] = [
      ['blueprints', 'blueprints'],
      ['validation', 'validation'],
      ['compilation', 'compilation'],
      ['deployment', 'deployment'],
      ['orchestrator', 'orchestrator'],
      ...(this.options.extra ?? []).map((s): [string, ServiceName] => [s, s]),
      ...Array.from({ length: this.options.workers ?? 2 }, (_, i): [string, ServiceName] => [`worker-${i + 1}`, 'worker']),
      ['gateway', 'gateway'],
    ];
    for (const [id, service] of order) await this.add(id, service).start();
  }

  /** Adds and starts one more worker process. */
  async addWorker(): Promise<ServiceHandle> {
    const handle = this.add(`worker-${this.workers().length + 1}`, 'worker');
    await handle.start();
    return handle;
  }

  async dispose(): Promise<void> {
    const errors: unknown[] = [];
    const gateway = this.services.get('gateway');
    if (gateway) await gateway.dispose().catch((e: unknown) => errors.push(e));
    await Promise.all([...this.services.values()].map((s) => s.dispose().catch((e: unknown) => errors.push(e))));
    await Promise.all([this.nats.dispose(), this.redis.dispose(), this.neo4j?.dispose()].map((p) => p?.catch((e: unknown) => errors.push(e))));
    try {
      this.postgres.dispose();
    } catch (error) {
      errors.push(error);
    }
    if (errors.length > 0) console.warn(`chaos mesh: ${errors.length} error(s) while stopping`, errors);
  }
}

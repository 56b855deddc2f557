import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';

export const WORKER_PROCESS_OPTIONS = Symbol.for('af.pool.workerProcessOptions');

export interface WorkerProcessOptions {
  /** The worker's entry point (dist/main.js), resolved against `cwd`. */
  entry: string;
  cwd: string;
  /** Slot n listens on base + n; 0: a free port each time. */
  portBase: number;
  stopTimeoutMs: number;
  logDir: string;
  /** The environment every worker starts with (HTTP_PORT is set per worker). */
  env: NodeJS.ProcessEnv;
}

/** Why a worker process ended. */
export type ExitReason = 'scaled-down' | 'shutdown' | 'killed' | 'crashed';

export interface WorkerProcessView {
  id: string;
  slot: number;
  pid: number | undefined;
  port: number;
  startedAtMs: number;
  state: 'running' | 'stopping';
  logFile: string;
}

export interface WorkerExit {
  worker: WorkerProcessView;
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: ExitReason;
  ranMs: number;
}

interface Tracked {
  view: WorkerProcessView;
  child: ChildProcess;
  exited: Promise<void>;
  stopReason: 'scaled-down' | 'shutdown' | undefined;
  forced: boolean;
}

/**
 * The worker processes of this host: starts `node --no-node-snapshot <entry>` with the pool's
 * environment and its own HTTP port and log file, stops one with SIGTERM (the worker drains:
 * stops pulling, finishes or hands back what it holds, exits 0) and SIGKILL after the stop
 * timeout, and reports every exit with its reason.
 */
@Injectable()
export class WorkerProcessRepository {
  private readonly workers = new Map<string, Tracked>();
  private readonly listeners: ((exit: WorkerExit) => void)[] = [];
  private sequence = 0;

  constructor(
    @Inject(WORKER_PROCESS_OPTIONS) private readonly options: WorkerProcessOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onExit(listener: (exit: WorkerExit) => void): void {
    this.listeners.push(listener);
  }

  /** Workers that are running and not being stopped, oldest first. */
  running(): WorkerProcessView[] {
    return this.list().filter((w) => w.state === 'running');
  }

  list(): WorkerProcessView[] {
    return [...this.workers.values()].map((t) => ({ ...t.view })).sort((a, b) => a.startedAtMs - b.startedAtMs || a.slot - b.slot);
  }

  async start(): Promise<WorkerProcessView> {
    const slot = this.freeSlot();
    const port = this.options.portBase > 0 ? this.options.portBase + slot : await freePort();
    const id = `worker-${slot}-${++this.sequence}`;
    const logDir = isAbsolute(this.options.logDir) ? this.options.logDir : resolve(this.options.cwd, this.options.logDir);
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `worker-${slot}.log`);
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['--no-node-snapshot', resolve(this.options.cwd, this.options.entry)], {
        cwd: this.options.cwd,
        env: { ...this.options.env, HTTP_PORT: String(port), AF_POOL_WORKER_ID: id },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const view: WorkerProcessView = { id, slot, pid: child.pid, port, startedAtMs: Date.now(), state: 'running', logFile };
    const tracked: Tracked = { view, child, stopReason: undefined, forced: false, exited: Promise.resolve() };
    tracked.exited = new Promise<void>((done) => {
      child.once('error', (error) => this.logger.error({ err: error, workerId: id }, 'worker process could not be started'));
      child.once('close', (code, signal) => {
        this.workers.delete(id);
        const reason: ExitReason = tracked.forced ? 'killed' : (tracked.stopReason ?? 'crashed');
        const exit: WorkerExit = { worker: { ...view }, code, signal, reason, ranMs: Date.now() - view.startedAtMs };
        const log = reason === 'crashed' || reason === 'killed' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
        log({ workerId: id, pid: view.pid, code, signal, reason, ranMs: exit.ranMs, logFile }, `worker exited (${reason})`);
        for (const listener of this.listeners) listener(exit);
        done();
      });
    });
    this.workers.set(id, tracked);
    this.logger.info({ workerId: id, pid: child.pid, port, logFile }, 'worker started');
    return { ...view };
  }

  /** SIGTERM, then SIGKILL after the stop timeout; resolves when the process has exited. */
  async stop(id: string, reason: 'scaled-down' | 'shutdown'): Promise<void> {
    const tracked = this.workers.get(id);
    if (!tracked) return;
    if (tracked.stopReason === undefined) {
      tracked.stopReason = reason;
      tracked.view.state = 'stopping';
      tracked.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      tracked.forced = true;
      this.logger.warn({ workerId: id, stopTimeoutMs: this.options.stopTimeoutMs }, 'worker did not stop in time; killing it');
      tracked.child.kill('SIGKILL');
    }, this.options.stopTimeoutMs);
    try {
      await tracked.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async stopAll(reason: 'scaled-down' | 'shutdown'): Promise<void> {
    await Promise.all([...this.workers.keys()].map((id) => this.stop(id, reason)));
  }

  private freeSlot(): number {
    const used = new Set([...this.workers.values()].map((t) => t.view.slot));
    let slot = 0;
    while (used.has(slot)) slot++;
    return slot;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

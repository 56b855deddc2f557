import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '@af/errors';
import type { ToolSource, TypeProblem } from './tool-typecheck.js';
import type { TypeCheckJob, TypeCheckReply } from './tool-typecheck.protocol.js';

/** Finding codes of the compile-time type check that are not type errors of the author's code. */
export const COMPILE_TIMEOUT = 'COMPILE_TIMEOUT';
export const COMPILE_RESOURCE_LIMIT = 'COMPILE_RESOURCE_LIMIT';
export const TOOL_CODE_TOO_LARGE = 'TOOL_CODE_TOO_LARGE';

export interface TypeCheckOptions {
  /** Wall-clock deadline of one blueprint's type check, from the moment a worker takes it. */
  timeoutMs: number;
  /** Warm worker threads (each parses the standard library once, at start). */
  workers: number;
  /** Total UTF-8 bytes of tool code one blueprint may hand to the checker. */
  maxSourceBytes: number;
  /** Checks waiting for a free worker before new ones are refused (UNAVAILABLE). */
  maxQueue: number;
  /** V8 old-generation limit of each worker thread. */
  memoryMb: number;
}

export const DEFAULT_TYPECHECK_OPTIONS: TypeCheckOptions = { timeoutMs: 5_000, workers: 2, maxSourceBytes: 256 * 1024, maxQueue: 64, memoryMb: 512 };

export type TypeCheckOutcome =
  | { kind: 'done'; problems: Map<number, TypeProblem[]> }
  /** `index`: the tool being checked when the deadline passed (null: before any tool, e.g. while parsing). */
  | { kind: 'timeout'; index: number | null; elapsedMs: number }
  | { kind: 'crashed'; index: number | null; reason: string };

interface Pending {
  id: number;
  tools: ToolSource[];
  resolve(outcome: TypeCheckOutcome): void;
  reject(error: unknown): void;
}

interface Running extends Pending {
  index: number | null;
  started: number;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  isReady: boolean;
  ready: Promise<void>;
  job: Running | null;
}

/**
 * Runs in a worker started from source (tests under Jest): Node strips the types, and this hook
 * maps the `./x.js` specifiers of our ESM sources to their `./x.ts` files.
 */
const SOURCE_BOOTSTRAP = `
const { registerHooks } = require('node:module');
registerHooks({
  resolve(specifier, context, next) {
    try { return next(specifier, context); } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(specifier.slice(0, -3) + '.ts', context);
      throw error;
    }
  },
});
import(require('node:worker_threads').workerData.url);
`;

function createWorker(memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb };
  // No flags: the checker needs none, and process-wide ones (--input-type, --no-node-snapshot) make a worker refuse to start.
  const execArgv: string[] = [];
  if (import.meta.url.endsWith('.ts')) {
    return new Worker(SOURCE_BOOTSTRAP, { eval: true, workerData: { url: new URL('./tool-typecheck.worker.ts', import.meta.url).href }, resourceLimits, execArgv });
  }
  return new Worker(new URL('./tool-typecheck.worker.js', import.meta.url), { resourceLimits, execArgv });
}

/**
 * A small pool of warm worker threads that type-check tool code, so that a slow check (a
 * type-level bomb: huge unions, deep recursive or distributive types) never blocks the service's
 * event loop, and each check has a deadline: past it the worker is terminated (V8 stops it even
 * inside a tight loop of the checker), replaced by a fresh one, and the check answers `timeout`
 * with the tool it was on.
 *
 * A pool rather than a thread per compile: a worker spends ~0.3 s loading TypeScript and parsing
 * the standard library, which a warm worker pays once — a 10-tool check then costs tens of
 * milliseconds plus a message round trip. Idle workers are unref'd (they do not keep a process alive).
 */
export class TypeCheckPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly options: TypeCheckOptions) {}

  /** Starts the workers and waits until each has parsed the standard library. */
  async start(): Promise<void> {
    while (this.slots.size < this.options.workers) this.spawn();
    await Promise.all([...this.slots].map((s) => s.ready));
  }

  /** Type-checks one blueprint's tools in a worker, under the deadline. */
  check(tools: ToolSource[]): Promise<TypeCheckOutcome> {
    if (this.closed) return Promise.reject(new AppError(ErrorCode.Unavailable, 'the tool type checker is shutting down'));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new AppError(ErrorCode.Unavailable, `the tool type checker is busy (${this.queue.length} compiles waiting); retry shortly`));
    }
    return new Promise<TypeCheckOutcome>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, tools, resolve, reject });
      this.pump();
    });
  }

  /** Terminates every worker; checks still waiting are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new AppError(ErrorCode.Unavailable, 'the tool type checker is shutting down'));
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) {
      if (slot.job) {
        clearTimeout(slot.job.timer);
        slot.job.reject(new AppError(ErrorCode.Unavailable, 'the tool type checker is shutting down'));
      }
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = createWorker(this.options.memoryMb);
    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // A worker that dies before it is ready fails start(); nobody else awaits this promise.
    ready.catch(() => undefined);
    const slot: Slot = { worker, isReady: false, ready, job: null };
    this.slots.add(slot);
    worker.on('message', (reply: TypeCheckReply) => {
      if (reply.kind === 'ready') {
        slot.isReady = true;
        markReady();
        this.pump();
      } else this.onReply(slot, reply);
    });
    const gone = (reason: string) => {
      if (!this.slots.delete(slot)) return;
      const notStarted = new AppError(ErrorCode.Unavailable, `a tool type-check worker did not start: ${reason}`);
      failReady(notStarted);
      if (!slot.isReady) for (const pending of this.queue.splice(0)) pending.reject(notStarted);
      const job = slot.job;
      slot.job = null;
      if (job) {
        clearTimeout(job.timer);
        job.resolve({ kind: 'crashed', index: job.index, reason });
      }
      // Replace a worker that was working; one that failed to start is not respawned in a loop.
      if (!this.closed && slot.isReady) this.spawn();
      this.pump();
    };
    worker.on('error', (error) => gone(error.message));
    worker.on('exit', (code) => gone(`exited with code ${code}`));
    // After the listeners: attaching a 'message' listener refs the worker's port again.
    worker.unref();
    return slot;
  }

  private onReply(slot: Slot, reply: Exclude<TypeCheckReply, { kind: 'ready' }>): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    if (reply.kind === 'checking') {
      job.index = reply.index;
      return;
    }
    clearTimeout(job.timer);
    slot.job = null;
    if (reply.kind === 'done') job.resolve({ kind: 'done', problems: new Map(reply.problems) });
    else job.reject(new Error(`tool type check failed: ${reply.message}`));
    this.pump();
  }

  private expire(slot: Slot): void {
    const job = slot.job;
    if (!job) return;
    slot.job = null;
    this.slots.delete(slot);
    void slot.worker.terminate();
    job.resolve({ kind: 'timeout', index: job.index, elapsedMs: performance.now() - job.started });
    if (!this.closed) this.spawn();
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    // Workers that failed to start are replaced lazily, when there is work for them.
    while (this.queue.length > 0 && this.slots.size < this.options.workers) this.spawn();
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.isReady || slot.job) continue;
      const pending = this.queue.shift() as Pending;
      slot.job = { ...pending, index: null, started: performance.now(), timer: setTimeout(() => this.expire(slot), this.options.timeoutMs) };
      const job: TypeCheckJob = { id: pending.id, tools: pending.tools };
      slot.worker.postMessage(job);
    }
    // A worker keeps the process alive only while a check depends on it (running, or waiting for it to start).
    for (const slot of this.slots) {
      if (slot.job || (this.queue.length > 0 && !slot.isReady)) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

let shared: TypeCheckPool | null = null;

/** The process's type-check pool: the one the service configured at boot, or one with the defaults. */
export function toolTypeChecker(): TypeCheckPool {
  shared ??= new TypeCheckPool(DEFAULT_TYPECHECK_OPTIONS);
  return shared;
}

/** Replaces the process's pool (the compilation service does it at boot, from its validated config). */
export async function useToolTypeChecker(options: TypeCheckOptions): Promise<TypeCheckPool> {
  const previous = shared;
  shared = new TypeCheckPool(options);
  await previous?.close();
  await shared.start();
  return shared;
}

/** Stops the process's pool (at shutdown). */
export async function closeToolTypeChecker(): Promise<void> {
  const previous = shared;
  shared = null;
  await previous?.close();
}

/**
 * Type-checks tool code against each tool's inputSchema in the pool: the first tool (by index)
 * that does not type-check fails the compile with its line and column; an oversized total, an
 * overrun deadline or an exhausted worker fails it with a finding code (422, path of the tool).
 */
export async function checkToolTypes(sources: ToolSource[]): Promise<void> {
  if (sources.length === 0) return;
  const pool = toolTypeChecker();
  const ordered = [...sources].sort((a, b) => a.index - b.index);
  let total = 0;
  for (const source of ordered) {
    total += Buffer.byteLength(source.code, 'utf8');
    if (total > pool.options.maxSourceBytes) {
      throw finding(TOOL_CODE_TOO_LARGE, toolPath(source.index), `the tools' code totals more than ${pool.options.maxSourceBytes} bytes (the limit of the type checker); tool "${source.name}" is past it`);
    }
  }
  const outcome = await pool.check(sources);
  if (outcome.kind === 'timeout') {
    const tool = ordered.find((s) => s.index === outcome.index);
    const what = tool ? `tool "${tool.name}"` : 'the tool code';
    throw finding(COMPILE_TIMEOUT, tool ? toolPath(tool.index) : '', `type-checking ${what} did not finish within ${pool.options.timeoutMs} ms; simplify its types`, { timeoutMs: pool.options.timeoutMs });
  }
  if (outcome.kind === 'crashed') {
    const tool = ordered.find((s) => s.index === outcome.index);
    const what = tool ? `tool "${tool.name}"` : 'the tool code';
    throw finding(COMPILE_RESOURCE_LIMIT, tool ? toolPath(tool.index) : '', `type-checking ${what} exceeded the type checker's resources (${outcome.reason}); simplify its types`);
  }
  for (const source of ordered) {
    const errors = outcome.problems.get(source.index);
    const first = errors?.[0];
    if (!errors || !first) continue;
    throw new AppError(ErrorCode.ValidationFailed, `tool "${source.name}" does not type-check against its inputSchema: line ${first.line}, column ${first.column}: ${first.message}`, {
      path: toolPath(source.index),
      details: { errors },
    });
  }
}

const toolPath = (index: number) => `/spec/tools/${index}/code`;

/** A 422 whose details carry one finding (the shape of a validation report's errors). */
function finding(code: string, path: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { path, details: { code, errors: [{ tier: 'compile', code, path, message, severity: 'error' }], ...extra } });
}

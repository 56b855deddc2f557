import { performance } from 'node:perf_hooks';
import ivm from 'isolated-vm';
import { LruCache } from '../artifacts/lru-cache.js';
import type { JsonValue } from '../artifacts/artifact.js';

export interface SandboxLimits {
  memoryLimitMb: number;
  timeoutMs: number;
  maxIsolates: number;
  maxResultBytes: number;
}

/** Why a call failed: the tool threw, broke a limit (its isolate is then killed), or returned non-JSON. */
export type SandboxFailure = 'threw' | 'timeout' | 'memory' | 'crashed' | 'result';

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly reason: SandboxFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SandboxObserver {
  callFinished?(outcome: 'ok' | SandboxFailure, seconds: number): void;
  isolateKilled?(reason: 'timeout' | 'memory' | 'crashed'): void;
}

export interface SandboxedFunction {
  name: string;
  /** ES2022 script that assigns a module namespace to `globalName`; its `default` is called. */
  code: string;
  globalName: string;
}

/** One isolate per artifact: its heap and compiled scripts are reused; each call gets a fresh context. */
class ArtifactIsolate {
  readonly isolate: ivm.Isolate;
  private readonly scripts = new Map<string, Promise<ivm.Script>>();
  inUse = 0;
  retired = false;

  constructor(memoryLimitMb: number) {
    this.isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
  }

  script(fn: SandboxedFunction): Promise<ivm.Script> {
    const key = `${fn.name}\0${fn.globalName}\0${fn.code}`;
    let script = this.scripts.get(key);
    if (!script) {
      script = this.isolate.compileScript(wrap(fn), { filename: `tool:${fn.name}` });
      this.scripts.set(key, script);
      script.catch(() => this.scripts.delete(key));
    }
    return script;
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

const ARGS_GLOBAL = '__af_args';

/**
 * The tool's script followed by a call of its default export. Arguments enter as a JSON string and
 * the result leaves as one: only strings cross the boundary, no host object or function does.
 */
function wrap(fn: SandboxedFunction): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(fn.globalName)) throw new SandboxError('crashed', `invalid global name ${fn.globalName}`);
  return `${fn.code}
;(function () {
  const ns = typeof ${fn.globalName} === 'undefined' ? undefined : ${fn.globalName};
  const tool = ns !== null && typeof ns === 'object' ? ns.default : undefined;
  if (typeof tool !== 'function') throw new TypeError('tool code must export a default function');
  const args = JSON.parse(globalThis.${ARGS_GLOBAL});
  delete globalThis.${ARGS_GLOBAL};
  return Promise.resolve(tool(args)).then((result) => {
    const json = JSON.stringify(result === undefined ? null : result);
    if (json === undefined) throw new TypeError('tool result is not JSON');
    return json;
  });
})()`;
}

/**
 * Runs tool code in isolated-vm (a separate V8 isolate: no require, import, process, fs or network).
 * Limits: heap (`memoryLimitMb`, the isolate is killed when exceeded), CPU and wall clock
 * (`timeoutMs`, the isolate is killed), result size. A killed isolate is replaced on next use.
 */
export class Sandbox {
  private readonly isolates: LruCache<string, ArtifactIsolate>;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly observer: SandboxObserver = {},
  ) {
    this.isolates = new LruCache(limits.maxIsolates, (_key, evicted) => this.retire(evicted));
  }

  /** Calls `fn`'s default export with `args` in the isolate of `artifactHash`. */
  async call(artifactHash: string, fn: SandboxedFunction, args: JsonValue): Promise<JsonValue> {
    const started = performance.now();
    let outcome: 'ok' | SandboxFailure = 'ok';
    const slot = this.acquire(artifactHash);
    try {
      const json = await this.run(slot, fn, JSON.stringify(args));
      if (Buffer.byteLength(json, 'utf8') > this.limits.maxResultBytes) throw new SandboxError('result', `tool "${fn.name}" returned more than ${this.limits.maxResultBytes} bytes`);
      return JSON.parse(json) as JsonValue;
    } catch (error) {
      const failure = this.classify(fn.name, error);
      outcome = failure.reason;
      if (failure.reason === 'timeout' || failure.reason === 'memory' || failure.reason === 'crashed') this.kill(artifactHash, slot, failure.reason);
      throw failure;
    } finally {
      slot.inUse--;
      if (slot.retired && slot.inUse === 0) slot.dispose();
      this.observer.callFinished?.(outcome, (performance.now() - started) / 1000);
    }
  }

  /** Disposes every isolate (shutdown). */
  dispose(): void {
    for (const slot of this.isolates.values()) slot.dispose();
    this.isolates.clear();
  }

  get isolateCount(): number {
    return this.isolates.size;
  }

  private acquire(artifactHash: string): ArtifactIsolate {
    let slot = this.isolates.get(artifactHash);
    if (!slot || slot.isolate.isDisposed) {
      slot = new ArtifactIsolate(this.limits.memoryLimitMb);
      this.isolates.set(artifactHash, slot);
    }
    slot.inUse++;
    return slot;
  }

  private async run(slot: ArtifactIsolate, fn: SandboxedFunction, argsJson: string): Promise<string> {
    const script = await slot.script(fn);
    const context = await slot.isolate.createContext();
    let timer: NodeJS.Timeout | undefined;
    try {
      await context.global.set(ARGS_GLOBAL, argsJson);
      // `timeout` bounds synchronous CPU (incl. microtasks); the timer bounds a promise that never settles.
      const wallClock = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SandboxError('timeout', `tool "${fn.name}" did not finish within ${this.limits.timeoutMs} ms`)), this.limits.timeoutMs + 50);
      });
      const result: unknown = await Promise.race([script.run(context, { timeout: this.limits.timeoutMs, promise: true, copy: true }), wallClock]);
      if (typeof result !== 'string') throw new SandboxError('result', `tool "${fn.name}" returned no JSON`);
      return result;
    } finally {
      clearTimeout(timer);
      if (!slot.isolate.isDisposed) context.release();
    }
  }

  private classify(tool: string, error: unknown): SandboxError {
    if (error instanceof SandboxError) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (/memory limit/i.test(message)) return new SandboxError('memory', `tool "${tool}" exceeded the sandbox memory limit of ${this.limits.memoryLimitMb} MB`);
    if (/timed out/i.test(message)) return new SandboxError('timeout', `tool "${tool}" exceeded the sandbox time limit of ${this.limits.timeoutMs} ms`);
    if (/isolate (is|was) disposed/i.test(message)) return new SandboxError('crashed', `tool "${tool}": its sandbox was shut down during the call`);
    const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
    return new SandboxError('threw', `tool "${tool}" threw ${name}${message}`);
  }

  private kill(artifactHash: string, slot: ArtifactIsolate, reason: 'timeout' | 'memory' | 'crashed'): void {
    const alreadyDead = slot.isolate.isDisposed && reason === 'crashed';
    if (this.isolates.get(artifactHash) === slot) this.isolates.delete(artifactHash);
    slot.dispose();
    if (!alreadyDead) this.observer.isolateKilled?.(reason);
  }

  private retire(slot: ArtifactIsolate): void {
    slot.retired = true;
    if (slot.inUse === 0) slot.dispose();
  }
}

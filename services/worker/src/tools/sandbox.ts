import { performance } from 'node:perf_hooks';
import ivm from 'isolated-vm';
import { LruCache } from '../artifacts/lru-cache.js';
import type { JsonValue } from '../artifacts/artifact.js';

export interface SandboxLimits {
  memoryLimitMb: number;
  /** Wall-clock limit of one call (bridge calls included). */
  timeoutMs: number;
  /** CPU time one call may use in its isolate (defaults to `timeoutMs`). */
  cpuTimeMs?: number;
  maxIsolates: number;
  maxResultBytes: number;
  /** Calls running in isolates at once (CPU-bound work, bounded apart from the runs in flight); more wait their turn. */
  maxConcurrentCalls?: number;
}

/**
 * Why a call failed: the tool threw, broke a limit (`cpu` time, wall-clock `timeout`, `memory`: its
 * isolate is then killed and replaced), its isolate `crashed`, or it returned non-JSON (`result`).
 */
export type SandboxFailure = 'threw' | 'cpu' | 'timeout' | 'memory' | 'crashed' | 'result';
export type SandboxKillReason = 'cpu' | 'timeout' | 'memory' | 'crashed';

/**
 * The host side of the sandbox's bridges (`fetch`, `memory.recall`): one per call, bound to its
 * run and tool. Receives the bridge name and a JSON payload, answers JSON. The signal aborts when
 * the call ends (or is killed).
 */
export type SandboxBridge = (bridge: string, payloadJson: string, signal: AbortSignal) => Promise<string>;

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
  isolateKilled?(reason: SandboxKillReason): void;
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
  /** CPU time (ns) of the isolate when each running call started. */
  readonly running = new Map<symbol, { cpuAtStart: bigint; fail: (error: SandboxError) => void }>();
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
const BRIDGE_GLOBAL = '__af_bridge';

/**
 * Installs `fetch` and `memory.recall|remember|search` from the host bridge before any tool code runs. The bridge
 * reference lives only in this closure (the global is deleted), is invoked through functions
 * captured now (tool code cannot patch them later), with null-prototype options (a polluted
 * Object.prototype cannot change how it is called), and only strings cross: the payload in, the
 * JSON answer out.
 */
const BRIDGES = `(function () {
  const ref = globalThis.${BRIDGE_GLOBAL};
  delete globalThis.${BRIDGE_GLOBAL};
  const reflectApply = Reflect.apply, parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze, ErrorType = Error;
  const invoke = ref === undefined ? undefined : ref.apply;
  const call = async (bridge, payload) => {
    if (invoke === undefined) throw new ErrorType(bridge + ' is not available in this sandbox');
    const answer = parse(await reflectApply(invoke, ref, [undefined, [bridge, stringify(payload)], { __proto__: null, arguments: { __proto__: null, copy: true }, result: { __proto__: null, promise: true, copy: true } }]));
    if (!answer.ok) throw new ErrorType(answer.error);
    return answer.value;
  };
  globalThis.fetch = async function fetch(url, init) {
    const options = init == null ? {} : { method: init.method === undefined ? undefined : String(init.method), headers: init.headers, body: init.body === undefined ? undefined : String(init.body) };
    const r = await call('fetch', { url: String(url), init: options });
    const headers = r.headers;
    const find = (name) => { const key = String(name).toLowerCase(); for (const h of headers) if (h[0] === key) return h[1]; return null; };
    return freeze({
      ok: r.status >= 200 && r.status < 300, status: r.status, statusText: r.statusText, url: r.url, redirected: r.redirected,
      headers: freeze({ get: find, has: (name) => find(name) !== null, entries: () => headers.map((h) => [h[0], h[1]]) }),
      text: async () => r.body,
      json: async () => parse(r.body),
    });
  };
  globalThis.memory = freeze({
    recall: async (options) => call('memory.recall', options == null ? {} : { query: options.query, limit: options.limit }),
    remember: async (options) => call('memory.remember', options == null ? {} : { content: options.content, subjectId: options.subjectId, metadata: options.metadata }),
    search: async (options) => call('memory.search', options == null ? {} : { query: options.query, tier: options.tier, limit: options.limit }),
  });
})();`;

/**
 * The bridges, the tool's script, then a call of its default export. Arguments enter as a JSON
 * string and the result leaves as one: only strings cross the boundary, no host object does.
 */
function wrap(fn: SandboxedFunction): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(fn.globalName)) throw new SandboxError('crashed', `invalid global name ${fn.globalName}`);
  return `${BRIDGES}
${fn.code}
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
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly observer: SandboxObserver = {},
  ) {
    this.isolates = new LruCache(limits.maxIsolates, (_key, evicted) => this.retire(evicted));
  }

  /**
   * Calls `fn`'s default export with `args` in the isolate of `key` (tenant + artifact hash: one
   * isolate per artifact of a tenant, reused across calls; each call gets a fresh context).
   */
  async call(key: string, fn: SandboxedFunction, args: JsonValue, bridge?: SandboxBridge): Promise<JsonValue> {
    await this.turn();
    try {
      return await this.callNow(key, fn, args, bridge);
    } finally {
      this.release();
    }
  }

  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** Waits for one of the `maxConcurrentCalls` turns (FIFO). */
  private async turn(): Promise<void> {
    if (this.running < (this.limits.maxConcurrentCalls ?? Number.POSITIVE_INFINITY)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn to the next waiting call, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async callNow(key: string, fn: SandboxedFunction, args: JsonValue, bridge?: SandboxBridge): Promise<JsonValue> {
    const started = performance.now();
    let outcome: 'ok' | SandboxFailure = 'ok';
    const slot = this.acquire(key);
    try {
      const json = await this.run(slot, fn, JSON.stringify(args), bridge);
      if (Buffer.byteLength(json, 'utf8') > this.limits.maxResultBytes) throw new SandboxError('result', `tool "${fn.name}" returned more than ${this.limits.maxResultBytes} bytes`);
      return JSON.parse(json) as JsonValue;
    } catch (error) {
      const failure = this.classify(fn.name, error);
      outcome = failure.reason;
      if (failure.reason === 'cpu' || failure.reason === 'timeout' || failure.reason === 'memory' || failure.reason === 'crashed') this.kill(key, slot, failure.reason);
      throw failure;
    } finally {
      slot.inUse--;
      if (slot.retired && slot.inUse === 0) slot.dispose();
      this.observer.callFinished?.(outcome, (performance.now() - started) / 1000);
    }
  }

  /** Disposes every isolate (shutdown). */
  dispose(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const slot of this.isolates.values()) slot.dispose();
    this.isolates.clear();
  }

  get isolateCount(): number {
    return this.isolates.size;
  }

  /**
   * Warm-up (worker warm/): creates the isolate of `key` and compiles `fns`' scripts in it without
   * running any tool code, so the first call is not a cold start. Returns whether the isolate was created now.
   */
  async prepare(key: string, fns: readonly SandboxedFunction[]): Promise<boolean> {
    const created = !this.isolates.get(key) || this.isolates.get(key)!.isolate.isDisposed;
    const slot = this.acquire(key);
    try {
      for (const fn of fns) await slot.script(fn);
      return created;
    } finally {
      slot.inUse--;
      if (slot.retired && slot.inUse === 0) slot.dispose();
    }
  }

  private acquire(key: string): ArtifactIsolate {
    let slot = this.isolates.get(key);
    if (!slot || slot.isolate.isDisposed) {
      slot = new ArtifactIsolate(this.limits.memoryLimitMb);
      this.isolates.set(key, slot);
    }
    slot.inUse++;
    return slot;
  }

  private async run(slot: ArtifactIsolate, fn: SandboxedFunction, argsJson: string, bridge: SandboxBridge | undefined): Promise<string> {
    const script = await slot.script(fn);
    const context = await slot.isolate.createContext();
    const ended = new AbortController();
    const id = Symbol(fn.name);
    let timer: NodeJS.Timeout | undefined;
    try {
      await context.global.set(ARGS_GLOBAL, argsJson);
      if (bridge) {
        await context.global.set(
          BRIDGE_GLOBAL,
          new ivm.Reference(async (name: string, payload: string) => {
            try {
              return JSON.stringify({ ok: true, value: JSON.parse(await bridge(String(name), String(payload), ended.signal)) as unknown });
            } catch (error) {
              return JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) });
            }
          }),
        );
      }
      // `timeout` bounds each synchronous run (microtasks included) in CPU; the watchdog bounds CPU
      // spent after awaiting a bridge; the timer bounds the wall clock (a promise that never settles).
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SandboxError('timeout', `tool "${fn.name}" did not finish within its wall-clock limit of ${this.limits.timeoutMs} ms`)), this.limits.timeoutMs);
        slot.running.set(id, { cpuAtStart: slot.isolate.cpuTime, fail: reject });
        this.watch();
      });
      const result: unknown = await Promise.race([script.run(context, { timeout: this.cpuTimeMs, promise: true, copy: true }), limit]);
      if (typeof result !== 'string') throw new SandboxError('result', `tool "${fn.name}" returned no JSON`);
      return result;
    } finally {
      clearTimeout(timer);
      slot.running.delete(id);
      ended.abort();
      if (!slot.isolate.isDisposed) context.release();
    }
  }

  private get cpuTimeMs(): number {
    return this.limits.cpuTimeMs ?? this.limits.timeoutMs;
  }

  /** While calls run, checks every 20 ms that none has used more CPU than its limit. */
  private watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      let active = 0;
      for (const slot of this.isolates.values()) {
        if (slot.isolate.isDisposed) continue;
        const cpu = slot.isolate.cpuTime;
        for (const call of slot.running.values()) {
          active++;
          if (Number(cpu - call.cpuAtStart) / 1e6 > this.cpuTimeMs) call.fail(new SandboxError('cpu', `tool exceeded the sandbox CPU time limit of ${this.cpuTimeMs} ms`));
        }
      }
      if (active === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, 20);
    this.watchdog.unref();
  }

  private classify(tool: string, error: unknown): SandboxError {
    if (error instanceof SandboxError) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (/memory limit/i.test(message)) return new SandboxError('memory', `tool "${tool}" exceeded the sandbox memory limit of ${this.limits.memoryLimitMb} MB`);
    if (/timed out/i.test(message)) return new SandboxError('cpu', `tool "${tool}" exceeded the sandbox CPU time limit of ${this.cpuTimeMs} ms`);
    if (/isolate (is|was) disposed/i.test(message)) return new SandboxError('crashed', `tool "${tool}": its sandbox was shut down during the call`);
    const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
    return new SandboxError('threw', `tool "${tool}" threw ${name}${message}`);
  }

  private kill(key: string, slot: ArtifactIsolate, reason: SandboxKillReason): void {
    const alreadyDead = slot.isolate.isDisposed && reason === 'crashed';
    if (this.isolates.get(key) === slot) this.isolates.delete(key);
    slot.dispose();
    if (!alreadyDead) this.observer.isolateKilled?.(reason);
  }

  private retire(slot: ArtifactIsolate): void {
    slot.retired = true;
    if (slot.inUse === 0) slot.dispose();
  }
}

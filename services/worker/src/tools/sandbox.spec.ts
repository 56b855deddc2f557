import { afterAll, describe, expect, it } from '@jest/globals';
import { Sandbox, SandboxError, type SandboxBridge, type SandboxFailure } from './sandbox.js';

const kills: string[] = [];
const sut = new Sandbox({ memoryLimitMb: 16, timeoutMs: 400, cpuTimeMs: 250, maxIsolates: 4, maxResultBytes: 10_000 }, { isolateKilled: (reason) => kills.push(reason) });
afterAll(() => sut.dispose());

/** Tool code as the compiler emits it: an IIFE assigning the module namespace to `__af_tool`. */
const tool = (body: string, name = 't') => ({ name, globalName: '__af_tool', code: `var __af_tool = (() => { const exports = {}; exports.default = ${body}; return exports; })();` });

async function failure(promise: Promise<unknown>): Promise<{ reason: SandboxFailure; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

/** Fails unless `promise` settles within `ms`: "contained within its limit". */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  const started = performance.now();
  const settled = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  expect(performance.now() - started).toBeLessThan(ms);
  if (!settled.ok) throw settled.error;
  return settled.value;
}

describe(Sandbox.name, () => {
  it('passes JSON arguments in and copies the JSON result out', async () => {
    await expect(sut.call('a1', tool('({ message }) => ({ score: message.length, at: [1, { x: null }] })'), { message: 'hello' })).resolves.toEqual({ score: 5, at: [1, { x: null }] });
    await expect(sut.call('a1', tool('async (n) => n * 2'), 21)).resolves.toBe(42);
    await expect(sut.call('a1', tool('() => undefined'), {})).resolves.toBeNull();
  });

  it('kills an infinite loop on its CPU limit, a hung promise on its wall clock, and serves the next call from a fresh isolate', async () => {
    const before = kills.length;
    expect(await failure(within(1_000, sut.call('loop', tool('() => { while (true) {} }'), {})))).toMatchObject({ reason: 'cpu', message: expect.stringContaining('CPU time limit of 250 ms') });
    expect(await failure(within(1_000, sut.call('loop', tool('async () => { for (;;) await 0; }'), {})))).toMatchObject({ reason: 'cpu' });
    expect(await failure(within(1_000, sut.call('loop', tool('() => new Promise(() => {})'), {})))).toMatchObject({ reason: 'timeout', message: expect.stringContaining('wall-clock limit of 400 ms') });
    expect(kills.slice(before)).toEqual(['cpu', 'cpu', 'timeout']);
    await expect(sut.call('loop', tool('() => "alive"'), {})).resolves.toBe('alive');
  });

  it('kills CPU burnt after awaiting a bridge (the watchdog), not only in the first synchronous run', async () => {
    const bridge: SandboxBridge = async () => JSON.stringify([]);
    const error = await failure(within(1_000, sut.call('after-await', tool('async () => { await memory.recall(); for (;;) {} }'), {}, bridge)));
    expect(['cpu', 'timeout']).toContain(error.reason);
  });

  it('kills a memory bomb on its heap limit without hurting the host', async () => {
    const bomb = tool('() => { const hog = []; for (;;) hog.push(new Array(1e5).fill("x".repeat(32))); }');
    const error = await failure(within(2_000, sut.call('bomb', bomb, {})));
    expect(['memory', 'cpu']).toContain(error.reason);
    expect(kills).toContain(error.reason);
    await expect(sut.call('bomb', tool('() => 1'), {})).resolves.toBe(1);
  });

  it('contains promise fork bombs: recursive then-chains and floods of new promises', async () => {
    const chains = tool('() => { const f = () => { Promise.resolve().then(f); Promise.resolve().then(f); }; f(); return new Promise(() => {}); }');
    expect(['cpu', 'memory', 'timeout']).toContain((await failure(within(2_000, sut.call('fork', chains, {})))).reason);
    const flood = tool('async () => { const all = []; for (;;) all.push(new Promise((r) => r(all.length)).then((x) => new Promise((r) => r(x)))); }');
    expect(['cpu', 'memory', 'timeout']).toContain((await failure(within(2_000, sut.call('fork', flood, {})))).reason);
    const wide = tool('() => Promise.all(Array.from({ length: 1e7 }, (_, i) => Promise.resolve(i).then((x) => [x, x, x])))');
    expect(['cpu', 'memory', 'timeout']).toContain((await failure(within(2_000, sut.call('fork', wide, {})))).reason);
    await expect(sut.call('fork', tool('() => "still serving"'), {})).resolves.toBe('still serving');
  });

  it('gives tool code no way to the host: no process, require, import, host objects or host globals', async () => {
    await expect(sut.call('esc', tool('function () { return this?.constructor?.constructor("return typeof process")(); }'), {})).resolves.toBe('undefined');
    expect(await failure(sut.call('esc', tool('function () { return this.constructor.constructor("return process")().env; }'), {}))).toMatchObject({ reason: 'threw' });
    expect(await failure(sut.call('esc', tool('() => ({}).constructor.constructor("return process")()'), {}))).toMatchObject({ reason: 'threw', message: expect.stringContaining('process is not defined') });
    expect(await failure(sut.call('esc', tool('() => require("fs")'), {}))).toMatchObject({ reason: 'threw', message: expect.stringContaining('require is not defined') });
    await expect(sut.call('esc', tool('async () => { try { await import("node:fs"); return "imported"; } catch (e) { return "refused"; } }'), {})).resolves.toBe('refused');
    const globals = (await sut.call('esc', tool('() => Object.getOwnPropertyNames(globalThis)'), {})) as string[];
    for (const hostName of ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setImmediate', 'global', 'queueMicrotask', '__af_args', '__af_bridge', 'ivm']) expect(globals).not.toContain(hostName);
    // The bridges are plain sandbox functions: walking their constructors stays inside the isolate.
    await expect(sut.call('esc', tool('() => fetch.constructor("return typeof process")()'), {})).resolves.toBe('undefined');
    await expect(sut.call('esc', tool('() => memory.recall.constructor.constructor("return typeof require")()'), {})).resolves.toBe('undefined');
  });

  it('keeps prototype pollution inside one call: the next call and the host never see it', async () => {
    const pollute = tool('() => { Object.prototype.polluted = 1; Array.prototype.push = () => 0; JSON.parse = () => ({ hacked: true }); return ({}).polluted; }');
    await expect(sut.call('proto', pollute, {})).resolves.toBe(1);
    await expect(sut.call('proto', tool('() => [({}).polluted === undefined, [].push(1), JSON.parse("{\\"a\\":1}")]'), {})).resolves.toEqual([true, 1, { a: 1 }]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // A polluted prototype cannot change how a bridge is invoked or what it answers.
    const seen: string[] = [];
    const bridge: SandboxBridge = async (name, payload) => {
      seen.push(`${name} ${payload}`);
      return JSON.stringify([{ runId: 'r0', summary: 'ok' }]);
    };
    const sneaky = tool('async () => { Object.prototype.reference = true; Object.prototype.copy = false; Object.defineProperty(Object.prototype, "result", { get() { return { reference: true }; } }); return memory.recall({ limit: 1 }); }');
    await expect(sut.call('proto', sneaky, {}, bridge)).resolves.toEqual([{ runId: 'r0', summary: 'ok' }]);
    expect(seen).toEqual(['memory.recall {"limit":1}']);
  });

  it('gives each call a fresh global scope, so one run cannot see another run\'s state', async () => {
    const counter = tool('() => { globalThis.seen = (globalThis.seen ?? 0) + 1; return globalThis.seen; }');
    await expect(sut.call('state', counter, {})).resolves.toBe(1);
    await expect(sut.call('state', counter, {})).resolves.toBe(1);
  });

  it('reaches the host only through the bridge, whose errors are catchable tool errors', async () => {
    const bridge: SandboxBridge = async (name, payload) => {
      if (name === 'fetch') throw new Error(`fetch refused: ${(JSON.parse(payload) as { url: string }).url} is not allowed`);
      return JSON.stringify([]);
    };
    expect(await failure(sut.call('br', tool('() => fetch("http://169.254.169.254/")'), {}, bridge))).toMatchObject({ reason: 'threw', message: expect.stringContaining('fetch refused: http://169.254.169.254/ is not allowed') });
    await expect(sut.call('br', tool('async () => { try { await fetch("http://127.0.0.1:4222"); } catch (e) { return e.message; } }'), {}, bridge)).resolves.toContain('fetch refused');
    expect(await failure(sut.call('br', tool('() => fetch("https://x.io")'), {}))).toMatchObject({ message: expect.stringContaining('fetch is not available') });
  });

  it('reports thrown errors, missing default exports and oversized results', async () => {
    expect(await failure(sut.call('e', tool('() => { throw new RangeError("bad lead") }'), {}))).toMatchObject({ reason: 'threw', message: 'tool "t" threw RangeError: bad lead' });
    expect(await failure(sut.call('e', { name: 'n', globalName: '__af_tool', code: 'var __af_tool = {};' }, {}))).toMatchObject({ message: expect.stringContaining('must export a default function') });
    expect(await failure(sut.call('e', tool('() => "x".repeat(20000)'), {}))).toMatchObject({ reason: 'result' });
  });

  it('keeps at most maxIsolates warm', async () => {
    for (let i = 0; i < 6; i++) await sut.call(`many-${i}`, tool('() => 1'), {});
    expect(sut.isolateCount).toBeLessThanOrEqual(4);
  });
});

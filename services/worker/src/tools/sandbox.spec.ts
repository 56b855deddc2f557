import { afterAll, describe, expect, it } from '@jest/globals';
import { Sandbox, SandboxError, type SandboxFailure } from './sandbox.js';

const kills: string[] = [];
const sut = new Sandbox({ memoryLimitMb: 16, timeoutMs: 300, maxIsolates: 4, maxResultBytes: 10_000 }, { isolateKilled: (reason) => kills.push(reason) });
afterAll(() => sut.dispose());

/** Tool code as the compiler emits it: an IIFE assigning the module namespace to `__af_tool`. */
const tool = (body: string, name = 't') => ({ name, globalName: '__af_tool', code: `var __af_tool = (() => { const exports = {}; exports.default = ${body}; return exports; })();` });

async function failure(promise: Promise<unknown>): Promise<{ reason: SandboxFailure; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe(Sandbox.name, () => {
  it('passes JSON arguments in and copies the JSON result out', async () => {
    await expect(sut.call('a1', tool('({ message }) => ({ score: message.length, at: [1, { x: null }] })'), { message: 'hello' })).resolves.toEqual({ score: 5, at: [1, { x: null }] });
    await expect(sut.call('a1', tool('async (n) => n * 2'), 21)).resolves.toBe(42);
    await expect(sut.call('a1', tool('() => undefined'), {})).resolves.toBeNull();
  });

  it('kills an infinite loop on its time limit, and serves the next call from a fresh isolate', async () => {
    const before = kills.length;
    expect(await failure(sut.call('loop', tool('() => { while (true) {} }'), {}))).toMatchObject({ reason: 'timeout' });
    expect(await failure(sut.call('loop', tool('async () => { for (;;) await 0; }'), {}))).toMatchObject({ reason: 'timeout' });
    expect(await failure(sut.call('loop', tool('() => new Promise(() => {})'), {}))).toMatchObject({ reason: 'timeout' });
    expect(kills.slice(before)).toEqual(['timeout', 'timeout', 'timeout']);
    await expect(sut.call('loop', tool('() => "alive"'), {})).resolves.toBe('alive');
  });

  it('kills a memory bomb on its heap limit without hurting the host', async () => {
    const bomb = tool('() => { const hog = []; for (;;) hog.push(new Array(1e5).fill("x".repeat(32))); }');
    const error = await failure(sut.call('bomb', bomb, {}));
    expect(['memory', 'timeout']).toContain(error.reason);
    expect(kills).toContain(error.reason);
    await expect(sut.call('bomb', tool('() => 1'), {})).resolves.toBe(1);
  });

  it('gives tool code no way to the host: no process, require, import or host objects', async () => {
    await expect(sut.call('esc', tool('function () { return this?.constructor?.constructor("return typeof process")(); }'), {})).resolves.toBe('undefined');
    expect(await failure(sut.call('esc', tool('() => ({}).constructor.constructor("return process")()'), {}))).toMatchObject({ reason: 'threw', message: expect.stringContaining('process is not defined') });
    expect(await failure(sut.call('esc', tool('() => require("fs")'), {}))).toMatchObject({ reason: 'threw', message: expect.stringContaining('require is not defined') });
    await expect(sut.call('esc', tool('async () => { try { await import("node:fs"); return "imported"; } catch (e) { return "refused"; } }'), {})).resolves.toBe('refused');
    const globals = (await sut.call('esc', tool('() => Object.getOwnPropertyNames(globalThis)'), {})) as string[];
    for (const hostName of ['process', 'require', 'module', 'Buffer', 'fetch', 'setTimeout', 'global', '__af_args']) expect(globals).not.toContain(hostName);
  });

  it('gives each call a fresh global scope, so one run cannot see another run\'s state', async () => {
    const counter = tool('() => { globalThis.seen = (globalThis.seen ?? 0) + 1; return globalThis.seen; }');
    await expect(sut.call('state', counter, {})).resolves.toBe(1);
    await expect(sut.call('state', counter, {})).resolves.toBe(1);
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

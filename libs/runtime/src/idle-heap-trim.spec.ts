import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { createLogger } from '@af/observability';
import { IdleHeapTrim, exposedFullGc } from './idle-heap-trim.js';

/** A trimmer whose event loop reports the busy shares given, one per check. */
function trimmerWith(busyShares: number[], collect = jest.fn<() => void>()) {
  const shares = [...busyShares];
  const utilization = (previous?: EventLoopUtilization): EventLoopUtilization =>
    previous ? { idle: 0, active: 0, utilization: shares.shift() ?? 0 } : { idle: 0, active: 0, utilization: 0 };
  const sut = new IdleHeapTrim(createLogger('health', 'silent'), { collect, utilization, checkMs: 60_000 });
  return { sut, collect };
}

describe(IdleHeapTrim.name, () => {
  it('trims once the first idle check after boot, then not again while idle', () => {
    const { sut, collect } = trimmerWith([0.01, 0.0, 0.02]);
    expect(sut.start()).toBe(true);
    expect([sut.check(), sut.check(), sut.check()]).toEqual([true, false, false]);
    expect(collect).toHaveBeenCalledTimes(1);
    sut.stop();
  });

  it('never trims while busy, and trims again at the first idle check after a busy one', () => {
    const { sut, collect } = trimmerWith([0.9, 0.5, 0.01, 0.3, 0.04, 0.01]);
    sut.start();
    expect([sut.check(), sut.check(), sut.check(), sut.check(), sut.check(), sut.check()]).toEqual([false, false, true, false, true, false]);
    expect(collect).toHaveBeenCalledTimes(2);
    sut.stop();
  });

  describe('without --expose-gc', () => {
    const g = globalThis as { gc?: unknown };
    const original = g.gc;
    afterEach(() => {
      if (original === undefined) delete g.gc;
      else g.gc = original;
    });

    it('is off: start() false and nothing collected', () => {
      delete g.gc;
      const sut = new IdleHeapTrim(createLogger('health', 'silent'), { utilization: () => ({ idle: 0, active: 0, utilization: 0 }) });
      expect(sut.start()).toBe(false);
      expect(sut.check()).toBe(false);
    });

    it('with it, collects with a synchronous last-resort major GC', () => {
      const gc = jest.fn();
      g.gc = gc;
      exposedFullGc()?.();
      expect(gc).toHaveBeenCalledWith({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { MicroBatcher, type ItemOutcome } from './micro-batcher.js';

describe(MicroBatcher.name, () => {
  it('writes what arrives in one turn as one batch, and what arrives during a write as the next one (up to maxSize)', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sut = new MicroBatcher<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await held;
      return items.map(() => undefined);
    }, { maxSize: 3 });
    const first = [sut.add(1), sut.add(2)];
    await new Promise((r) => setImmediate(r));
    const later = [3, 4, 5, 6, 7].map((n) => sut.add(n));
    expect(sut.waiting).toBe(5);
    release();
    await Promise.all([...first, ...later]);
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6, 7]]);
  });

  it('settles each item by its own outcome, and every item of a batch whose write throws with that error', async () => {
    const bad = new Error('bad item');
    const sut = new MicroBatcher<string>(async (items): Promise<ItemOutcome[]> => {
      if (items.includes('boom')) throw new Error('store down');
      return items.map((i) => (i === 'bad' ? bad : undefined));
    }, { maxSize: 10 });
    const results = await Promise.allSettled([sut.add('ok'), sut.add('bad'), sut.add('ok2')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(bad);
    const down = await Promise.allSettled([sut.add('a'), sut.add('boom')]);
    expect(down.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['store down', 'store down']);
  });

  it('bounds a batch by weight too (always at least one item, even one over the bound)', async () => {
    const batches: number[][] = [];
    const sut = new MicroBatcher<number>(async (items) => (batches.push(items), items.map(() => undefined)), { maxSize: 10, maxWeight: 10, weigh: (n) => n });
    await Promise.all([4, 5, 2, 30, 1, 1].map((n) => sut.add(n)));
    expect(batches).toEqual([[4, 5], [2], [30], [1, 1]]);
  });

  it('refuses a write that answers for the wrong number of items', async () => {
    const sut = new MicroBatcher<number>(async () => [undefined], { maxSize: 5 });
    await expect(Promise.all([sut.add(1), sut.add(2)])).rejects.toThrow(/1 outcomes for 2 items/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { atTurnEnd } from './turn-batch.js';

describe('atTurnEnd', () => {
  it('runs what one turn queued together, after that turn, in order', async () => {
    const ran: string[] = [];
    const queued = [atTurnEnd(() => ran.push('a')), Promise.resolve().then(() => atTurnEnd(() => ran.push('b')))];
    ran.push('sync');
    await Promise.resolve();
    expect(ran).toEqual(['sync']);
    await Promise.all(queued);
    expect(ran).toEqual(['sync', 'a', 'b']);
  });

  it('resolves with the result (a promise is followed) and rejects with what the function throws', async () => {
    await expect(atTurnEnd(() => 42)).resolves.toBe(42);
    await expect(atTurnEnd(() => Promise.resolve('stored'))).resolves.toBe('stored');
    await expect(atTurnEnd(() => Promise.reject(new Error('no stream')))).rejects.toThrow('no stream');
    await expect(
      atTurnEnd(() => {
        throw new Error('connection closed');
      }),
    ).rejects.toThrow('connection closed');
  });

  it('a throwing function does not keep the others of its turn from running', async () => {
    const results = await Promise.allSettled([
      atTurnEnd(() => {
        throw new Error('x');
      }),
      atTurnEnd(() => 'ok'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { TokenStream } from './token-stream.js';

const collect = () => {
  const chunks: [number, string][] = [];
  return { chunks, sink: (index: number, text: string) => void chunks.push([index, text]) };
};

describe('TokenStream: coalesced, bounded, best-effort streaming of a step answer', () => {
  it('coalesces deltas until flushMs passes, then sends them as one chunk', async () => {
    const { chunks, sink } = collect();
    const stream = new TokenStream({ flushMs: 20, flushBytes: 1_024, maxBytesPerStep: 65_536 }, sink);
    stream.push('{"qual');
    stream.push('ified":');
    expect(chunks).toEqual([]);
    await sleep(40);
    expect(chunks).toEqual([[0, '{"qualified":']]);
    stream.push(' true}');
    stream.close();
    expect(chunks).toEqual([[0, '{"qualified":'], [1, ' true}']]);
  });

  it('sends at once when flushBytes are pending, and cuts the step at maxBytesPerStep (UTF-8 safe)', () => {
    const { chunks, sink } = collect();
    let sent = 0;
    const stream = new TokenStream({ flushMs: 10_000, flushBytes: 4, maxBytesPerStep: 10 }, sink, (b) => (sent += b));
    stream.push('abcd');
    expect(chunks).toEqual([[0, 'abcd']]);
    stream.push('éééé');
    stream.push('more');
    stream.close();
    expect(chunks.map(([, t]) => t).join('')).toBe('abcdééé');
    expect(sent).toBe(10);
    expect(stream.droppedBytes).toBe(2 + 4);
    stream.push('after close');
    expect(chunks).toHaveLength(2);
  });

  it('never throws when the sink does', () => {
    const stream = new TokenStream({ flushMs: 1, flushBytes: 1, maxBytesPerStep: 100 }, () => {
      throw new Error('connection closed');
    });
    expect(() => stream.push('x')).not.toThrow();
    expect(() => stream.close()).not.toThrow();
  });
});

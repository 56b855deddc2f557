import { describe, expect, it } from '@jest/globals';
import { HashingEmbedder } from './embedder.js';

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe(HashingEmbedder.name, () => {
  const sut = new HashingEmbedder(256);

  it('gives unit vectors of the configured size, the same for the same text', () => {
    const v = sut.embedSync('Ada Lovelace signed the Acme contract');
    expect(v).toHaveLength(256);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(sut.embedSync('Ada Lovelace signed the Acme contract')).toEqual(v);
    expect(Math.hypot(...sut.embedSync(''))).toBeCloseTo(1, 6);
  });

  it('ranks a near-duplicate above a related text above an unrelated one', () => {
    const query = sut.embedSync('Ada Lovelace signed the Acme contract worth $12,000');
    const near = cosine(query, sut.embedSync('Ada Lovelace signed the Acme contracts, worth $12,000'));
    const related = cosine(query, sut.embedSync('Ada called about the Acme renewal'));
    const unrelated = cosine(query, sut.embedSync('The weather in Paris is sunny and warm'));
    expect(near).toBeGreaterThan(0.9);
    expect(near).toBeGreaterThan(related);
    expect(related).toBeGreaterThan(unrelated);
  });
});

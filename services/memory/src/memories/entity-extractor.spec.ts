import { describe, expect, it } from '@jest/globals';
import { extractEntities, MAX_ENTITIES } from './entity-extractor.js';

describe(extractEntities.name, () => {
  it('finds multi-word names, organisations, e-mails, amounts and dates in order of appearance', () => {
    const text = 'Yesterday Ada Lovelace of Acme Corp wrote to Grace.Hopper@Example.com: the contract is worth $12,500 and 3,000 EUR, signed on 2024-05-01, renewal May 3, 2025.';
    expect(extractEntities(text)).toEqual([
      { name: 'Ada Lovelace', kind: 'person' },
      { name: 'Acme Corp', kind: 'organization' },
      { name: 'grace.hopper@example.com', kind: 'email' },
      { name: '$12,500', kind: 'amount' },
      { name: '3,000 EUR', kind: 'amount' },
      { name: '2024-05-01', kind: 'date' },
      { name: 'May 3, 2025', kind: 'date' },
    ]);
  });

  it('skips sentence-initial function words and weekdays, keeps single capitalised concepts, de-duplicates', () => {
    expect(extractEntities('The Kubernetes cluster failed on Monday. The Kubernetes team fixed it.')).toEqual([{ name: 'Kubernetes', kind: 'concept' }]);
  });

  it('is deterministic and bounded', () => {
    const word = (i: number) => `Name${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    const text = Array.from({ length: 200 }, (_, i) => word(i)).join(' and ');
    const first = extractEntities(text);
    expect(first).toHaveLength(MAX_ENTITIES);
    expect(extractEntities(text)).toEqual(first);
    expect(extractEntities('')).toEqual([]);
  });
});

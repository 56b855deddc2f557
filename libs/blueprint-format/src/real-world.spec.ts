import { describe, expect, it } from '@jest/globals';
import { isRealWorldAgent } from './real-world.js';

describe(isRealWorldAgent.name, () => {
  it('is true for a realWorld tool or a realWorld maxAllowedScope, false otherwise', () => {
    expect(isRealWorldAgent({ tools: [{ scope: 'internal' }, { scope: 'realWorld' }], policy: { maxAllowedScope: null } })).toBe(true);
    expect(isRealWorldAgent({ tools: [], policy: { maxAllowedScope: 'realWorld' } })).toBe(true);
    expect(isRealWorldAgent({ tools: [{ scope: 'external' }], policy: { maxAllowedScope: 'external' } })).toBe(false);
    expect(isRealWorldAgent({ tools: [], policy: { maxAllowedScope: null } })).toBe(false);
  });
});

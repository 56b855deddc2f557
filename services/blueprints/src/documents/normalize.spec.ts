import { describe, expect, it } from '@jest/globals';
import { normalizeBlueprint } from './normalize.js';

describe(normalizeBlueprint.name, () => {
  it('makes the defaults explicit without touching the input', () => {
    const input = { apiVersion: 'agentfactory.io/v1', spec: { goal: 'g' } };
    expect(normalizeBlueprint(input)).toEqual({
      apiVersion: 'agentfactory.io/v1',
      spec: {
        goal: 'g',
        industryProfile: 'RealEstate',
        governance: { autonomyLevel: 'supervised' },
        triggers: [{ type: 'api' }],
        actions: { maxAllowedScope: 'external', requireApproval: [] },
      },
    });
    expect(input).toEqual({ apiVersion: 'agentfactory.io/v1', spec: { goal: 'g' } });
  });

  it('keeps what is set, and leaves wrong shapes for validation', () => {
    const doc = { spec: { industryProfile: 'Insurance', governance: 'x', actions: { maxAllowedScope: 'internal' }, triggers: [] } };
    expect(normalizeBlueprint(doc)).toEqual({ spec: { industryProfile: 'Insurance', governance: 'x', actions: { maxAllowedScope: 'internal', requireApproval: [] }, triggers: [] } });
    expect(normalizeBlueprint({ spec: 5 })).toEqual({ spec: 5 });
  });
});

import { describe, expect, it } from '@jest/globals';
import { ConfigVarError } from '@af/config';
import { parsePriority } from './priority.js';
import { tenantLimits } from './dispatch.config.js';

describe(tenantLimits.name, () => {
  const sut = tenantLimits('ORCHESTRATOR_TENANT_CONCURRENCY_OVERRIDES', { min: 1, max: 100, description: '' });

  it('reads per-tenant limits', () => {
    expect([...sut.parse('acme=32, globex=4')]).toEqual([
      ['acme', 32],
      ['globex', 4],
    ]);
    expect(sut.parse(undefined).size).toBe(0);
    expect(sut.parse('').size).toBe(0);
  });

  it('names the bad entry: not tenant=integer, out of range, a tenant twice', () => {
    expect(() => sut.parse('acme')).toThrow(ConfigVarError);
    expect(() => sut.parse('acme=x')).toThrow(/"acme=x"/);
    expect(() => sut.parse('Acme=3')).toThrow(/"Acme=3"/);
    expect(() => sut.parse('acme=0')).toThrow(/between 1 and 100, got 0/);
    expect(() => sut.parse('acme=1,acme=2')).toThrow(/twice/);
  });
});

describe(parsePriority.name, () => {
  it('defaults to normal and refuses anything else at /priority', () => {
    expect(parsePriority('')).toBe('normal');
    expect(parsePriority('high')).toBe('high');
    let thrown: unknown;
    try {
      parsePriority('urgent');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/priority' });
  });
});

import { describe, expect, it } from '@jest/globals';
import { chartPoints, defaultRange, formatUsd, rangeQuery, type UsageRow } from './usage-data.js';

const usage = (key: string, costUsd: number, inputTokens = 100, outputTokens = 20): UsageRow => ({ key, calls: 1, inputTokens, outputTokens, cachedInputTokens: 0, costUsd });

describe('date range', () => {
  it('defaults to this UTC month so far', () => {
    expect(defaultRange(new Date('2026-11-24T23:30:00Z'))).toEqual({ from: '2026-11-01', to: '2026-11-24' });
  });

  it('asks the API for the day after the last one shown (its `to` is exclusive)', () => {
    expect(rangeQuery({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ query: { from: '2026-11-01', to: '2026-12-01' } });
    expect(rangeQuery({ from: '2026-12-31', to: '2026-12-31' })).toEqual({ query: { from: '2026-12-31', to: '2027-01-01' } });
  });

  it('names the field at fault for a range it cannot send', () => {
    expect(rangeQuery({ from: '', to: '2026-11-30' })).toEqual({ error: { path: 'from', message: 'Enter the first day as a date' } });
    expect(rangeQuery({ from: '2026-11-10', to: '2026-11-02' })).toEqual({ error: { path: 'to', message: 'The last day comes before the first' } });
  });
});

describe('chartPoints', () => {
  it('puts the costliest agent or model first and counts input + output tokens', () => {
    expect(chartPoints('agent', [usage('a', 0.1), usage('b', 0.5, 10, 5)])).toEqual([
      { key: 'b', costUsd: 0.5, tokens: 15, calls: 1 },
      { key: 'a', costUsd: 0.1, tokens: 120, calls: 1 },
    ]);
  });

  it('gives every day of the range a point, at zero when nothing was called', () => {
    const sut = chartPoints('day', [usage('2026-11-02', 0.2)], { from: '2026-11-01', to: '2026-11-03' });
    expect(sut.map((p) => [p.key, p.costUsd])).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 0.2],
      ['2026-11-03', 0],
    ]);
  });
});

describe('formatUsd', () => {
  it('shows cents, and sub-cent costs to four places', () => {
    expect([formatUsd(0), formatUsd(12.5), formatUsd(0.0042)]).toEqual(['$0.00', '$12.50', '$0.0042']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { decodeFinished, encodeFinished, judge, percentile, summarize, type FinishedRun } from './outcome-stats.js';

const run = (i: number, outcome: FinishedRun['outcome'], durationMs: number, finishedAtMs = 1_000 + i): FinishedRun => ({ runId: `r${i}`, outcome, durationMs, finishedAtMs });
const thresholds = { maxFailureRate: 0.25, minRuns: 10, maxP95Ms: 1_000 };

describe(percentile.name, () => {
  it('is the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBe(0);
  });
});

describe(summarize.name, () => {
  it('counts outcomes, leaves cancellations out of the failure rate and durations, and skips runs before since', () => {
    const runs = [run(1, 'succeeded', 100), run(2, 'succeeded', 300), run(3, 'failed', 200), run(4, 'cancelled', 9_999), run(5, 'failed', -1), run(0, 'failed', 50, 10)];
    expect(summarize(3, runs, 500)).toEqual({ version: 3, runs: 5, succeeded: 2, failed: 2, failureRate: 0.5, p50Ms: 200, p95Ms: 300, lastFinishedMs: 1_005 });
  });

  it('is all zeros without runs', () => {
    expect(summarize(1, [], 0)).toEqual({ version: 1, runs: 0, succeeded: 0, failed: 0, failureRate: 0, p50Ms: 0, p95Ms: 0, lastFinishedMs: 0 });
  });
});

describe(judge.name, () => {
  const stats = (succeeded: number, failed: number, p95Ms = 100) => ({ version: 1, runs: succeeded + failed, succeeded, failed, failureRate: failed / (succeeded + failed || 1), p50Ms: 50, p95Ms, lastFinishedMs: 1 });

  it('is unhealthy when a threshold is crossed over at least the minimum of runs', () => {
    expect(judge(stats(6, 4), thresholds)).toEqual({ state: 'unhealthy', reason: 'failure rate 40.0% > 25.0% over 10 runs' });
    expect(judge(stats(10, 0, 1_500), thresholds)).toEqual({ state: 'unhealthy', reason: 'p95 1500 ms > 1000 ms over 10 runs' });
  });

  it('is degraded when crossed on too few runs, or close to a threshold', () => {
    expect(judge(stats(1, 3), thresholds)).toMatchObject({ state: 'degraded', reason: expect.stringContaining('only 4 of the 10 runs') });
    expect(judge(stats(78, 22), thresholds)).toMatchObject({ state: 'degraded', reason: expect.stringContaining('near') });
  });

  it('is healthy below the thresholds, and does not judge durations when the p95 threshold is 0', () => {
    expect(judge(stats(10, 1), thresholds)).toEqual({ state: 'healthy', reason: '' });
    expect(judge(stats(20, 0, 99_999), { ...thresholds, maxP95Ms: 0 })).toEqual({ state: 'healthy', reason: '' });
    expect(judge(stats(0, 0), thresholds)).toEqual({ state: 'healthy', reason: '' });
  });
});

describe(decodeFinished.name, () => {
  it('round-trips the stored form and refuses anything else', () => {
    expect(decodeFinished('r', encodeFinished({ outcome: 'failed', durationMs: -1, finishedAtMs: 42 }))).toEqual({ runId: 'r', outcome: 'failed', durationMs: -1, finishedAtMs: 42 });
    expect(decodeFinished('r', 'exploded|1|2')).toBeNull();
    expect(decodeFinished('r', 'failed|x|2')).toBeNull();
  });
});

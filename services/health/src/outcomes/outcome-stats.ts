/** How a run ended, as the health monitor counts it. */
export type Outcome = 'succeeded' | 'failed' | 'cancelled';

/** One finished run in a version's window. durationMs is -1 when its start was never seen. */
export interface FinishedRun {
  runId: string;
  outcome: Outcome;
  durationMs: number;
  finishedAtMs: number;
}

export interface VersionStatsView {
  version: number;
  /** Every finished run in the window, cancelled ones included. */
  runs: number;
  succeeded: number;
  failed: number;
  /** failed / (succeeded + failed): a cancellation is the caller's decision, not the version's fault. */
  failureRate: number;
  p50Ms: number;
  p95Ms: number;
  lastFinishedMs: number;
}

export interface Thresholds {
  maxFailureRate: number;
  minRuns: number;
  /** 0 = durations are not judged. */
  maxP95Ms: number;
}

export type AgentState = 'healthy' | 'degraded' | 'unhealthy';

export interface Verdict {
  state: AgentState;
  reason: string;
}

const OUTCOMES: readonly string[] = ['succeeded', 'failed', 'cancelled'];

/** The stored form of a finished run: "<outcome>|<durationMs>|<finishedAtMs>" (the run id is the hash field). */
export function encodeFinished(run: Omit<FinishedRun, 'runId'>): string {
  return `${run.outcome}|${run.durationMs}|${run.finishedAtMs}`;
}

export function decodeFinished(runId: string, value: string): FinishedRun | null {
  const [outcome, duration, finished] = value.split('|');
  if (outcome === undefined || !OUTCOMES.includes(outcome)) return null;
  const durationMs = Number(duration);
  const finishedAtMs = Number(finished);
  if (!Number.isFinite(durationMs) || !Number.isFinite(finishedAtMs)) return null;
  return { runId, outcome: outcome as Outcome, durationMs, finishedAtMs };
}

/** Nearest-rank percentile of ascending values (0 when there are none). */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1] ?? 0;
}

/**
 * Counts and percentiles of the runs finished at or after `sinceMs`. Durations are those of
 * succeeded and failed runs whose start was seen (a cancelled run's duration says nothing about
 * the version).
 */
export function summarize(version: number, runs: readonly FinishedRun[], sinceMs: number): VersionStatsView {
  let succeeded = 0;
  let failed = 0;
  let count = 0;
  let lastFinishedMs = 0;
  const durations: number[] = [];
  for (const run of runs) {
    if (run.finishedAtMs < sinceMs) continue;
    count++;
    lastFinishedMs = Math.max(lastFinishedMs, run.finishedAtMs);
    if (run.outcome === 'cancelled') continue;
    if (run.outcome === 'succeeded') succeeded++;
    else failed++;
    if (run.durationMs >= 0) durations.push(run.durationMs);
  }
  durations.sort((a, b) => a - b);
  const decided = succeeded + failed;
  return {
    version,
    runs: count,
    succeeded,
    failed,
    failureRate: decided === 0 ? 0 : failed / decided,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    lastFinishedMs,
  };
}

/**
 * unhealthy: at least `minRuns` decided runs (succeeded + failed) and the failure rate or the p95
 * duration above its threshold. degraded: a threshold crossed on fewer runs than that, or within
 * 80 % of one. healthy otherwise (also with no runs at all).
 */
export function judge(stats: VersionStatsView, thresholds: Thresholds): Verdict {
  const decided = stats.succeeded + stats.failed;
  const crossed: string[] = [];
  if (stats.failureRate > thresholds.maxFailureRate) crossed.push(`failure rate ${pct(stats.failureRate)} > ${pct(thresholds.maxFailureRate)}`);
  if (thresholds.maxP95Ms > 0 && stats.p95Ms > thresholds.maxP95Ms) crossed.push(`p95 ${Math.round(stats.p95Ms)} ms > ${thresholds.maxP95Ms} ms`);
  if (crossed.length > 0) {
    if (decided >= thresholds.minRuns) return { state: 'unhealthy', reason: `${crossed.join(', ')} over ${decided} runs` };
    return { state: 'degraded', reason: `${crossed.join(', ')}, but only ${decided} of the ${thresholds.minRuns} runs needed to judge` };
  }
  const near: string[] = [];
  if (decided > 0 && stats.failureRate > thresholds.maxFailureRate * 0.8) near.push(`failure rate ${pct(stats.failureRate)} near ${pct(thresholds.maxFailureRate)}`);
  if (thresholds.maxP95Ms > 0 && stats.p95Ms > thresholds.maxP95Ms * 0.8) near.push(`p95 ${Math.round(stats.p95Ms)} ms near ${thresholds.maxP95Ms} ms`);
  if (near.length > 0) return { state: 'degraded', reason: near.join(', ') };
  return { state: 'healthy', reason: '' };
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

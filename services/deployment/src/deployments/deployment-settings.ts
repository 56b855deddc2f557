import type { CreateDeploymentRequest } from '@af/contracts';
import { AppError } from '@af/errors';
import type { Thresholds } from '../persistence/deployment.entity.js';
import type { DeploymentOptions } from './deployment.options.js';

export const MAX_WINDOW_SECONDS = 86_400;
export const MAX_P95_MS = 86_400_000;
export const MAX_MIN_RUNS = 100_000;
export const DEFAULT_CANARY_PERCENT = 10;
/** Added to the warm and eval timeouts when DEPLOYMENT_STUCK_AFTER_MS is 0. */
export const STUCK_MARGIN_MS = 35_000;

export type Strategy = 'immediate' | 'canary';

/** What the caller set (unset = undefined), checked. */
export interface RequestedSettings {
  strategy?: Strategy;
  canaryPercent?: number;
  windowSeconds?: number;
  thresholds: Partial<Thresholds>;
}

export interface DeploymentSettings {
  strategy: Strategy;
  canaryPercent: number;
  windowSeconds: number;
  thresholds: Thresholds;
}

type SettingsRequest = Partial<Pick<CreateDeploymentRequest, 'strategy' | 'canaryPercent' | 'windowSeconds' | 'thresholds'>>;

/** The request's lifecycle settings, bounded (400 with the field's path); 0 / '' = unset. */
export function validateRequestedSettings(request: SettingsRequest): RequestedSettings {
  const out: RequestedSettings = { thresholds: {} };
  if (request.strategy) {
    if (request.strategy !== 'immediate' && request.strategy !== 'canary') throw AppError.invalid('strategy must be "immediate" or "canary"', '/strategy');
    out.strategy = request.strategy;
  }
  if (request.canaryPercent) {
    if (!Number.isInteger(request.canaryPercent) || request.canaryPercent < 1 || request.canaryPercent > 99) throw AppError.invalid('canaryPercent must be 1..99', '/canaryPercent');
    out.canaryPercent = request.canaryPercent;
  }
  if (request.windowSeconds) {
    if (!Number.isInteger(request.windowSeconds) || request.windowSeconds < 0 || request.windowSeconds > MAX_WINDOW_SECONDS) throw AppError.invalid(`windowSeconds must be 0..${MAX_WINDOW_SECONDS}`, '/windowSeconds');
    out.windowSeconds = request.windowSeconds;
  }
  const t = request.thresholds;
  if (t) {
    if (t.maxFailureRate) {
      if (!Number.isFinite(t.maxFailureRate) || t.maxFailureRate < 0 || t.maxFailureRate > 1) throw AppError.invalid('thresholds.maxFailureRate must be 0..1', '/thresholds/maxFailureRate');
      out.thresholds.maxFailureRate = t.maxFailureRate;
    }
    if (t.maxP95Ms) {
      if (t.maxP95Ms > MAX_P95_MS) throw AppError.invalid(`thresholds.maxP95Ms must be at most ${MAX_P95_MS}`, '/thresholds/maxP95Ms');
      out.thresholds.maxP95Ms = t.maxP95Ms;
    }
    if (t.minRuns) {
      if (t.minRuns > MAX_MIN_RUNS) throw AppError.invalid(`thresholds.minRuns must be at most ${MAX_MIN_RUNS}`, '/thresholds/minRuns');
      out.thresholds.minRuns = t.minRuns;
    }
  }
  return out;
}

const inRange = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

/**
 * The blueprint's `spec.deployment` ({ strategy, canaryPercent, windowSeconds, thresholds {
 * maxFailureRate, maxP95Ms, minRuns } }), read defensively: the blueprint schema does not declare
 * it yet, so a value out of range or of the wrong type is ignored (the default applies).
 */
export function blueprintSettings(documentJson: string): RequestedSettings {
  const out: RequestedSettings = { thresholds: {} };
  let d: unknown;
  try {
    d = (JSON.parse(documentJson) as { spec?: { deployment?: unknown } }).spec?.deployment;
  } catch {
    return out;
  }
  if (!d || typeof d !== 'object') return out;
  const dep = d as Record<string, unknown>;
  if (dep.strategy === 'immediate' || dep.strategy === 'canary') out.strategy = dep.strategy;
  if (inRange(dep.canaryPercent, 1, 99) && Number.isInteger(dep.canaryPercent)) out.canaryPercent = dep.canaryPercent;
  if (inRange(dep.windowSeconds, 1, MAX_WINDOW_SECONDS) && Number.isInteger(dep.windowSeconds)) out.windowSeconds = dep.windowSeconds;
  const t = dep.thresholds && typeof dep.thresholds === 'object' ? (dep.thresholds as Record<string, unknown>) : {};
  if (inRange(t.maxFailureRate, Number.MIN_VALUE, 1)) out.thresholds.maxFailureRate = t.maxFailureRate;
  if (inRange(t.maxP95Ms, 1, MAX_P95_MS)) out.thresholds.maxP95Ms = Math.floor(t.maxP95Ms);
  if (inRange(t.minRuns, 1, MAX_MIN_RUNS)) out.thresholds.minRuns = Math.floor(t.minRuns);
  return out;
}

/** Request, else the blueprint's spec.deployment, else the service defaults. */
export function resolveSettings(requested: RequestedSettings, documentJson: string, defaults: DeploymentOptions): DeploymentSettings {
  const bp = blueprintSettings(documentJson);
  return {
    strategy: requested.strategy ?? bp.strategy ?? 'immediate',
    canaryPercent: requested.canaryPercent ?? bp.canaryPercent ?? DEFAULT_CANARY_PERCENT,
    windowSeconds: requested.windowSeconds ?? bp.windowSeconds ?? defaults.windowSeconds,
    thresholds: {
      maxFailureRate: requested.thresholds.maxFailureRate ?? bp.thresholds.maxFailureRate ?? defaults.maxFailurePercent / 100,
      maxP95Ms: requested.thresholds.maxP95Ms ?? bp.thresholds.maxP95Ms ?? defaults.maxP95Ms,
      minRuns: requested.thresholds.minRuns ?? bp.thresholds.minRuns ?? defaults.minRuns,
    },
  };
}

export function describeSettings(s: DeploymentSettings): string {
  const t = s.thresholds;
  return `${s.strategy}${s.strategy === 'canary' ? ` ${s.canaryPercent}%` : ''}, window ${s.windowSeconds} s, max failure rate ${t.maxFailureRate}, max p95 ${t.maxP95Ms || 'off'} ms, min runs ${t.minRuns}`;
}

/**
 * How long a deployment may stay pending or warming without a transition before it counts as
 * interrupted. A live deploy leaves warming within warm timeout + eval timeout + the agent lock's
 * wait ({@link lockTimeoutMs}), so a bound below that would fail deployments still being carried
 * out: a configured value is raised to it.
 */
export function stuckAfterMs(o: Pick<DeploymentOptions, 'warmTimeoutMs' | 'evalTimeoutMs' | 'stuckAfterMs'>, lockTimeoutMs: number): number {
  const floor = o.warmTimeoutMs + o.evalTimeoutMs + lockTimeoutMs;
  return o.stuckAfterMs > 0 ? Math.max(o.stuckAfterMs, floor) : o.warmTimeoutMs + o.evalTimeoutMs + STUCK_MARGIN_MS;
}

/** How many evals the blueprint declares (spec.evals); 0 when none or unreadable. */
export function blueprintEvalCount(documentJson: string): number {
  try {
    const evals = (JSON.parse(documentJson) as { spec?: { evals?: unknown } }).spec?.evals;
    return Array.isArray(evals) ? evals.length : 0;
  } catch {
    return 0;
  }
}

/** A version's figures against thresholds: the reason it crossed them, or null when within (or too few runs to judge). */
export function crossed(stats: { runs: number; failureRate: number; p95Ms: number; probe?: string }, t: Thresholds): { reason: 'failure_rate' | 'p95' | 'probe'; message: string } | null {
  if (stats.probe === 'failed') return { reason: 'probe', message: 'the synthetic health probe failed' };
  if (stats.runs < t.minRuns) return null;
  if (t.maxFailureRate > 0 && stats.failureRate > t.maxFailureRate) return { reason: 'failure_rate', message: `failure rate ${stats.failureRate.toFixed(3)} over ${stats.runs} runs exceeds ${t.maxFailureRate}` };
  if (t.maxP95Ms > 0 && stats.p95Ms > t.maxP95Ms) return { reason: 'p95', message: `p95 ${Math.round(stats.p95Ms)} ms over ${stats.runs} runs exceeds ${t.maxP95Ms} ms` };
  return null;
}

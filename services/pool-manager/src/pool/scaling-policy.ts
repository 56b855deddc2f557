/**
 * The pool's scaling rule, as the Kubernetes HPA applies it to KEDA's `nats-jetstream` metric —
 * pure, so it is tested without processes or a broker.
 *
 *   desired = clamp(ceil(depth / targetPerWorker), min, max)
 *
 * - Up: at once (no stabilization), at most `scaleUp.step` workers added within any
 *   `scaleUp.periodMs` (HPA `scaleUp.policies: [{type: Pods}]`, `stabilizationWindowSeconds: 0`).
 * - Down: only to the highest desired value seen during the last `scaleDown.stabilizationMs`
 *   (HPA `scaleDown.stabilizationWindowSeconds`), and only once the pool has been observed for
 *   that long; at most `scaleDown.step` workers removed within any `scaleDown.periodMs`.
 * The window is the hysteresis: a depth hovering around a threshold keeps the higher value,
 * so the pool never goes down and up again within one window (no flapping).
 */
export interface ScalingRules {
  minWorkers: number;
  maxWorkers: number;
  /** Messages (pending + ack pending) one worker is expected to carry: KEDA's lagThreshold. */
  targetPerWorker: number;
  scaleUp: { step: number; periodMs: number };
  scaleDown: { step: number; periodMs: number; stabilizationMs: number };
}

export interface ScalingState {
  /** When the first sample was taken: no scale-down before a whole window was observed. */
  observingSinceMs: number | undefined;
  /** Desired values of the samples within the stabilization window, oldest first. */
  recommendations: readonly { atMs: number; desired: number }[];
  /** Recent scaling changes (within the longest policy period), oldest first. */
  changes: readonly { atMs: number; delta: number }[];
}

export type Direction = 'up' | 'down' | 'none';

export interface ScalingDecision {
  atMs: number;
  depth: number;
  current: number;
  /** The raw recommendation for this sample. */
  desired: number;
  /** What the pool should have now. */
  target: number;
  direction: Direction;
  reason: string;
}

export const initialScalingState = (): ScalingState => ({ observingSinceMs: undefined, recommendations: [], changes: [] });

export function desiredWorkers(depth: number, rules: ScalingRules): number {
  const needed = Math.ceil(Math.max(0, depth) / rules.targetPerWorker);
  return Math.min(rules.maxWorkers, Math.max(rules.minWorkers, needed));
}

/** Checks that the rules can be applied; returns every problem (empty when valid). */
export function scalingRuleProblems(rules: ScalingRules): string[] {
  const problems: string[] = [];
  if (rules.minWorkers < 0) problems.push(`min workers (${rules.minWorkers}) must be ≥ 0`);
  if (rules.maxWorkers < Math.max(1, rules.minWorkers)) problems.push(`max workers (${rules.maxWorkers}) must be ≥ 1 and ≥ min workers (${rules.minWorkers})`);
  if (rules.targetPerWorker < 1) problems.push(`target per worker (${rules.targetPerWorker}) must be ≥ 1`);
  if (rules.scaleUp.step < 1 || rules.scaleDown.step < 1) problems.push('scale steps must be ≥ 1');
  return problems;
}

/** One sample: the decision for `depth` with `current` workers at `nowMs`, and the next state. */
export function decideScale(state: ScalingState, sample: { depth: number; current: number; nowMs: number }, rules: ScalingRules): { decision: ScalingDecision; state: ScalingState } {
  const { depth, current, nowMs } = sample;
  const desired = desiredWorkers(depth, rules);
  const observingSinceMs = state.observingSinceMs ?? nowMs;
  const windowStart = nowMs - rules.scaleDown.stabilizationMs;
  const recommendations = [...state.recommendations.filter((r) => r.atMs >= windowStart), { atMs: nowMs, desired }];
  const longestPeriod = Math.max(rules.scaleUp.periodMs, rules.scaleDown.periodMs);
  const changes = state.changes.filter((c) => c.atMs > nowMs - longestPeriod);
  const added = sum(changes.filter((c) => c.delta > 0 && c.atMs > nowMs - rules.scaleUp.periodMs).map((c) => c.delta));
  const removed = -sum(changes.filter((c) => c.delta < 0 && c.atMs > nowMs - rules.scaleDown.periodMs).map((c) => c.delta));
  const base = { atMs: nowMs, depth, current, desired };
  const next = (target: number, direction: Direction, reason: string) => ({
    decision: { ...base, target, direction, reason },
    state: { observingSinceMs, recommendations, changes: target === current ? changes : [...changes, { atMs: nowMs, delta: target - current }] },
  });

  // Outside the bounds (the bounds changed, or workers were lost): back inside at once.
  if (current < rules.minWorkers) return next(rules.minWorkers, 'up', `below the minimum of ${rules.minWorkers}`);
  if (current > rules.maxWorkers) return next(rules.maxWorkers, 'down', `above the maximum of ${rules.maxWorkers}`);

  if (desired > current) {
    const allowed = rules.scaleUp.step - added;
    if (allowed <= 0) return next(current, 'none', `depth ${depth} needs ${desired}; ${added} already added within ${rules.scaleUp.periodMs} ms (step ${rules.scaleUp.step})`);
    const target = Math.min(desired, current + allowed);
    return next(target, 'up', `depth ${depth} needs ${desired} (${rules.targetPerWorker} per worker); +${target - current} (at most ${rules.scaleUp.step} per ${rules.scaleUp.periodMs} ms)`);
  }
  if (desired === current) return next(current, 'none', `depth ${depth}: ${current} is right`);

  const stabilized = Math.max(...recommendations.map((r) => r.desired));
  if (stabilized >= current) return next(current, 'none', `depth ${depth} needs ${desired}, but ${stabilized} was needed within the last ${rules.scaleDown.stabilizationMs} ms`);
  if (nowMs - observingSinceMs < rules.scaleDown.stabilizationMs) return next(current, 'none', `depth ${depth} needs ${desired}; observed for less than the ${rules.scaleDown.stabilizationMs} ms window`);
  const allowed = rules.scaleDown.step - removed;
  if (allowed <= 0) return next(current, 'none', `depth ${depth} needs ${desired}; ${removed} already removed within ${rules.scaleDown.periodMs} ms (step ${rules.scaleDown.step})`);
  const target = Math.max(stabilized, current - allowed);
  return next(target, 'down', `needed at most ${stabilized} for ${rules.scaleDown.stabilizationMs} ms (depth ${depth}); −${current - target} (at most ${rules.scaleDown.step} per ${rules.scaleDown.periodMs} ms)`);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

import { describe, expect, it } from '@jest/globals';
import { decideScale, desiredWorkers, initialScalingState, scalingRuleProblems, type ScalingDecision, type ScalingRules, type ScalingState } from './scaling-policy.js';

const rules: ScalingRules = {
  minWorkers: 1,
  maxWorkers: 4,
  targetPerWorker: 10,
  scaleUp: { step: 2, periodMs: 1_000 },
  scaleDown: { step: 1, periodMs: 1_000, stabilizationMs: 5_000 },
};

/** Feeds depth samples every `everyMs` through the rule, applying each decision as the pool would. */
function simulate(depths: number[], options: { everyMs?: number; start?: number; rules?: ScalingRules } = {}): ScalingDecision[] {
  const r = options.rules ?? rules;
  let state: ScalingState = initialScalingState();
  let current = options.start ?? r.minWorkers;
  const decisions: ScalingDecision[] = [];
  depths.forEach((depth, i) => {
    const out = decideScale(state, { depth, current, nowMs: i * (options.everyMs ?? 250) }, r);
    state = out.state;
    current = out.decision.target;
    decisions.push(out.decision);
  });
  return decisions;
}

const directionChanges = (decisions: ScalingDecision[]) => {
  const moves = decisions.filter((d) => d.direction !== 'none').map((d) => d.direction);
  return moves.filter((d, i) => i > 0 && d !== moves[i - 1]).length;
};

describe(desiredWorkers.name, () => {
  it('is ceil(depth / target) clamped to min and max', () => {
    expect(desiredWorkers(0, rules)).toBe(1);
    expect(desiredWorkers(10, rules)).toBe(1);
    expect(desiredWorkers(11, rules)).toBe(2);
    expect(desiredWorkers(31, rules)).toBe(4);
    expect(desiredWorkers(10_000, rules)).toBe(4);
    expect(desiredWorkers(0, { ...rules, minWorkers: 0 })).toBe(0);
  });
});

describe(decideScale.name, () => {
  it('scales up on the first sample that needs it, at most the step per period', () => {
    const d = simulate([100, 100, 100, 100, 100]);
    expect(d.map((x) => x.target)).toEqual([3, 3, 3, 3, 4]);
    expect(d[0]).toMatchObject({ direction: 'up', current: 1, desired: 4, target: 3 });
    expect(d[0]?.reason).toMatch(/depth 100 needs 4/);
    expect(d[1]?.reason).toMatch(/2 already added within 1000 ms/);
  });

  it('scales down only after the desired size stayed lower for the whole window, one step per period', () => {
    // 4 workers busy, then the queue empties at t = 1 s; samples every 250 ms.
    const depths = [...Array<number>(4).fill(100), ...Array<number>(60).fill(0)];
    const d = simulate(depths, { start: 4 });
    const downs = d.filter((x) => x.direction === 'down');
    expect(downs.map((x) => [x.atMs, x.current, x.target])).toEqual([
      [6_000, 4, 3], // the last high sample (750 ms) leaves the 5 s window after 5 750 ms
      [7_000, 3, 2],
      [8_000, 2, 1],
    ]);
    expect(d.find((x) => x.atMs === 5_000)?.reason).toMatch(/4 was needed within the last 5000 ms/);
    expect(d.at(-1)?.target).toBe(1);
  });

  it('does not scale down before a whole window has been observed', () => {
    const d = simulate([0, 0, 0], { start: 3 });
    expect(d.map((x) => x.direction)).toEqual(['none', 'none', 'none']);
    expect(d[0]?.reason).toMatch(/4 was needed|observed for less/);
  });

  it('does not flap when the depth hovers around a threshold', () => {
    // Alternates between needing 2 and 3 workers every sample for 20 s.
    const depths = Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? 25 : 15));
    const d = simulate(depths);
    expect(d.map((x) => x.target).slice(-1)).toEqual([3]);
    expect(d.filter((x) => x.direction === 'down')).toHaveLength(0);
    expect(directionChanges(d)).toBe(0);
  });

  it('changes direction once per burst: up during a backlog, down after it, never beyond min or max', () => {
    const burst = [...Array<number>(20).fill(0), ...Array<number>(20).fill(500), ...Array<number>(60).fill(0)];
    const d = simulate([...burst, ...burst]);
    const targets = d.map((x) => x.target);
    expect(Math.max(...targets)).toBe(4);
    expect(Math.min(...targets)).toBe(1);
    expect(targets.at(-1)).toBe(1);
    expect(directionChanges(d)).toBe(3); // up, down, up, down
  });

  it('brings a pool outside the bounds back inside at once', () => {
    expect(simulate([0], { start: 0 })[0]).toMatchObject({ direction: 'up', target: 1 });
    expect(simulate([1_000], { start: 9 })[0]).toMatchObject({ direction: 'down', target: 4 });
  });
});

describe(scalingRuleProblems.name, () => {
  it('lists every inconsistent bound', () => {
    expect(scalingRuleProblems(rules)).toEqual([]);
    expect(scalingRuleProblems({ ...rules, minWorkers: 5, maxWorkers: 4, targetPerWorker: 0 })).toHaveLength(2);
  });
});

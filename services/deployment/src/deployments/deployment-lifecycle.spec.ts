import { describe, expect, it } from '@jest/globals';
import { DEPLOYMENT_STATUSES, DEPLOYMENT_TRANSITIONS, canTransition, type DeploymentStatus } from './deployment-lifecycle.js';
import { blueprintSettings, crossed, resolveSettings, stuckAfterMs } from './deployment-settings.js';

describe('deployment lifecycle edges', () => {
  const allowed: [DeploymentStatus | null, DeploymentStatus][] = [
    [null, 'pending'],
    ['pending', 'warming'],
    ['pending', 'failed'],
    ['warming', 'active'],
    ['warming', 'canary'],
    ['warming', 'failed'],
    ['canary', 'active'],
    ['canary', 'rolled_back'],
    ['canary', 'superseded'],
    ['canary', 'deactivated'],
    ['active', 'active'],
    ['active', 'superseded'],
    ['active', 'rolled_back'],
    ['active', 'deactivated'],
    ['superseded', 'active'],
  ];

  it('allows exactly the listed edges', () => {
    const froms: (DeploymentStatus | null)[] = [null, ...DEPLOYMENT_STATUSES];
    for (const from of froms) {
      for (const to of DEPLOYMENT_STATUSES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect([from, to, canTransition(from, to)]).toEqual([from, to, expected]);
      }
    }
  });

  it('final statuses have no way out; a deployment never skips warming to serve', () => {
    expect(DEPLOYMENT_TRANSITIONS.failed).toEqual([]);
    expect(DEPLOYMENT_TRANSITIONS.rolled_back).toEqual([]);
    expect(DEPLOYMENT_TRANSITIONS.deactivated).toEqual([]);
    expect(canTransition('pending', 'active')).toBe(false);
    expect(canTransition('pending', 'canary')).toBe(false);
    expect(canTransition('superseded', 'canary')).toBe(false);
  });
});

describe('deployment settings and thresholds', () => {
  const defaults = { warmTimeoutMs: 1, evalTimeoutMs: 1, watchIntervalMs: 1, stuckAfterMs: 0, windowSeconds: 300, maxFailurePercent: 50, maxP95Ms: 0, minRuns: 5 };
  const doc = (deployment: unknown) => JSON.stringify({ spec: { deployment } });

  it('request, else the blueprint spec.deployment, else the defaults', () => {
    expect(resolveSettings({ thresholds: {} }, '{}', defaults)).toEqual({ strategy: 'immediate', canaryPercent: 10, windowSeconds: 300, thresholds: { maxFailureRate: 0.5, maxP95Ms: 0, minRuns: 5 } });
    const bp = doc({ strategy: 'canary', canaryPercent: 20, windowSeconds: 60, thresholds: { maxFailureRate: 0.2, maxP95Ms: 5000, minRuns: 3 } });
    expect(resolveSettings({ thresholds: {} }, bp, defaults)).toEqual({ strategy: 'canary', canaryPercent: 20, windowSeconds: 60, thresholds: { maxFailureRate: 0.2, maxP95Ms: 5000, minRuns: 3 } });
    expect(resolveSettings({ strategy: 'immediate', windowSeconds: 10, thresholds: { minRuns: 1 } }, bp, defaults)).toMatchObject({ strategy: 'immediate', windowSeconds: 10, thresholds: { maxFailureRate: 0.2, minRuns: 1 } });
  });

  it('ignores out-of-range or mistyped spec.deployment values (the schema does not declare them yet)', () => {
    expect(blueprintSettings(doc({ strategy: 'yolo', canaryPercent: 100, windowSeconds: -1, thresholds: { maxFailureRate: 2, minRuns: 'x' } }))).toEqual({ thresholds: {} });
    expect(blueprintSettings('not json')).toEqual({ thresholds: {} });
  });

  it('an interrupted deployment: warm + eval + margin by default; a configured bound never below warm + eval + the lock wait', () => {
    const o = { warmTimeoutMs: 10_000, evalTimeoutMs: 120_000 };
    expect(stuckAfterMs({ ...o, stuckAfterMs: 0 }, 5_000)).toBe(165_000);
    expect(stuckAfterMs({ ...o, stuckAfterMs: 600_000 }, 5_000)).toBe(600_000);
    expect(stuckAfterMs({ ...o, stuckAfterMs: 1_000 }, 5_000)).toBe(135_000);
  });

  it('judges only with enough runs; a failed probe always counts', () => {
    const t = { maxFailureRate: 0.5, maxP95Ms: 1000, minRuns: 5 };
    expect(crossed({ runs: 4, failureRate: 1, p95Ms: 0 }, t)).toBeNull();
    expect(crossed({ runs: 5, failureRate: 0.6, p95Ms: 0 }, t)).toMatchObject({ reason: 'failure_rate' });
    expect(crossed({ runs: 5, failureRate: 0.5, p95Ms: 1001 }, t)).toMatchObject({ reason: 'p95' });
    expect(crossed({ runs: 0, failureRate: 0, p95Ms: 0, probe: 'failed' }, t)).toMatchObject({ reason: 'probe' });
    expect(crossed({ runs: 50, failureRate: 0.5, p95Ms: 5000 }, { ...t, maxP95Ms: 0 })).toBeNull();
  });
});

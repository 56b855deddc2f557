import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '@af/config';
import { DEFAULT_PLANS, parsePlans, parseTenantPlans, rateLimitConfigSpec } from './rate-limit.config.js';
import { monthOf } from './rate-limiter.js';

describe('rate-limit config', () => {
  it('defaults: built-in plans, free for every tenant, limits fail open, quotas fail closed', () => {
    const config = loadConfig(rateLimitConfigSpec, {});
    expect(config.plans).toEqual(DEFAULT_PLANS);
    expect(config.defaultPlan).toBe('free');
    expect(config.tenantPlans.size).toBe(0);
    expect(config.failureMode).toBe('open');
    expect(config.quotaFailureMode).toBe('closed');
  });

  it('overrides single fields of single plans', () => {
    const plans = parsePlans('{"free":{"rps":2,"burst":4},"enterprise":{"monthlyRuns":7}}');
    expect(plans.free).toEqual({ rps: 2, burst: 4, monthlyRuns: DEFAULT_PLANS.free.monthlyRuns });
    expect(plans.pro).toEqual(DEFAULT_PLANS.pro);
    expect(plans.enterprise.monthlyRuns).toBe(7);
  });

  it('maps tenants to plans', () => {
    expect([...parseTenantPlans('acme=pro, globex=enterprise')]).toEqual([
      ['acme', 'pro'],
      ['globex', 'enterprise'],
    ]);
  });

  it('lists every bad variable at once', () => {
    const bad = { AF_RATE_LIMIT_PLANS: '{"gold":{}}', AF_TENANT_PLANS: 'acme=platinum', AF_RATE_LIMIT_FAILURE_MODE: 'maybe' };
    expect(() => loadConfig(rateLimitConfigSpec, bad)).toThrow(ConfigError);
    try {
      loadConfig(rateLimitConfigSpec, bad);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.env)).toEqual(['AF_RATE_LIMIT_PLANS', 'AF_TENANT_PLANS', 'AF_RATE_LIMIT_FAILURE_MODE']);
    }
    expect(() => parsePlans('{"free":{"rps":0}}')).toThrow('free.rps must be an integer ≥ 1');
    expect(() => parsePlans('{"free":{"rpm":3}}')).toThrow('unknown field "rpm"');
    expect(() => parsePlans('not json')).toThrow('must be a JSON object');
    expect(() => parseTenantPlans('acme')).toThrow('must be a list like');
  });
});

describe(monthOf.name, () => {
  it('counts in calendar months (UTC) and says how long until the next', () => {
    expect(monthOf(Date.UTC(2026, 10, 30, 23, 59, 30))).toEqual({ period: '2026-11', secondsLeft: 30 });
    expect(monthOf(Date.UTC(2026, 11, 31, 0, 0, 0))).toEqual({ period: '2026-12', secondsLeft: 86_400 });
  });
});

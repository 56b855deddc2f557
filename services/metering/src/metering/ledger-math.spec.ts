import { describe, expect, it } from '@jest/globals';
import { AppError } from '@af/errors';
import { countersFor, firstExceeded, fromNanos, monthStart, nanosToUsd, nextMonthStart, periodStartOf, toNanos, usdToNanos, type BudgetStanding } from './ledger-math.js';
import { callTime, usageQuery } from './metering.service.js';

const usd = (n: string) => toNanos(n);
const budget = (scope: 'tenant' | 'agent', period: 'day' | 'month', limit: string, spent = '0', reserved = '0'): BudgetStanding => ({
  scope, agent: scope === 'agent' ? 'a' : '', period, limit: usd(limit), spent: usd(spent), reserved: usd(reserved), periodStart: '2025-03-01',
});

describe('metering ledger math', () => {
  it('converts decimal text and doubles to nano-USD exactly, and back', () => {
    expect(toNanos('1.5')).toBe(1_500_000_000n);
    expect(toNanos('0.000000001')).toBe(1n);
    expect(toNanos('12')).toBe(12_000_000_000n);
    expect(toNanos('-0.25')).toBe(-250_000_000n);
    expect(fromNanos(1n)).toBe('0.000000001');
    expect(fromNanos(-250_000_000n)).toBe('-0.250000000');
    // 0.1 + 0.2 in doubles is 0.30000000000000004; in nanos the sum is exact.
    expect(usdToNanos(0.1, '/x', 10) + usdToNanos(0.2, '/x', 10)).toBe(usdToNanos(0.3, '/x', 10));
    expect(nanosToUsd(usdToNanos(1e9, '/x', 1e9))).toBe(1e9);
    expect(() => toNanos('1e3')).toThrow(/not a decimal/);
  });

  it.each([NaN, Infinity, -1, 1e9 + 1])('refuses %p as an amount, naming the path', (value) => {
    try {
      usdToNanos(value, '/limitUsd', 1e9);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).path).toBe('/limitUsd');
    }
  });

  it('periods are UTC days and UTC calendar months', () => {
    const at = new Date('2025-03-31T23:59:59.999Z');
    expect(periodStartOf('day', at)).toBe('2025-03-31');
    expect(periodStartOf('month', at)).toBe('2025-03-01');
    expect(periodStartOf('day', new Date('2025-04-01T00:00:00Z'))).toBe('2025-04-01');
    expect(monthStart(at).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(nextMonthStart(new Date('2025-12-15T10:00:00Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('a call counts in four counters, always listed in the one lock order', () => {
    expect(countersFor('lead-qualifier', new Date('2025-03-05T10:00:00Z'))).toEqual([
      { scope: 'agent', agent: 'lead-qualifier', period: 'day', periodStart: '2025-03-05' },
      { scope: 'agent', agent: 'lead-qualifier', period: 'month', periodStart: '2025-03-01' },
      { scope: 'tenant', agent: '', period: 'day', periodStart: '2025-03-05' },
      { scope: 'tenant', agent: '', period: 'month', periodStart: '2025-03-01' },
    ]);
  });

  it('a budget holds while spent + reserved + estimate ≤ limit (the limit itself included)', () => {
    expect(firstExceeded([budget('tenant', 'day', '5', '3', '1')], usd('1'))).toBeNull();
    expect(firstExceeded([budget('tenant', 'day', '5', '3', '1')], usd('1.000000001'))?.scope).toBe('tenant');
    expect(firstExceeded([], usd('1000'))).toBeNull();
    expect(firstExceeded([budget('tenant', 'month', '0')], 0n)).toBeNull();
  });

  it('the refusal names the narrowest budget exceeded: agent before tenant, day before month', () => {
    const all = [budget('tenant', 'month', '1'), budget('tenant', 'day', '1'), budget('agent', 'month', '1'), budget('agent', 'day', '1')];
    expect(firstExceeded(all, usd('2'))).toMatchObject({ scope: 'agent', period: 'day' });
    expect(firstExceeded([budget('tenant', 'month', '1'), budget('agent', 'month', '10'), budget('tenant', 'day', '1')], usd('2'))).toMatchObject({ scope: 'tenant', period: 'day' });
  });

  it('a usage query defaults to the current UTC month and refuses wrong or too long ranges', () => {
    const now = new Date('2025-03-15T12:00:00Z');
    expect(usageQuery({ groupBy: '', from: '', to: '', agent: '' }, now)).toEqual({ groupBy: 'agent', from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z'), agent: '' });
    expect(usageQuery({ groupBy: 'day', from: '2025-01-01', to: '2025-02-01T00:00:00+01:00', agent: 'a' }, now).to.toISOString()).toBe('2025-01-31T23:00:00.000Z');
    const path = (request: Parameters<typeof usageQuery>[0]) => {
      try {
        usageQuery(request, now);
        return 'accepted';
      } catch (error) {
        return (error as AppError).path;
      }
    };
    expect(path({ groupBy: 'week', from: '', to: '', agent: '' })).toBe('/groupBy');
    expect(path({ groupBy: 'day', from: 'yesterday', to: '', agent: '' })).toBe('/from');
    expect(path({ groupBy: 'day', from: '2025-03-02', to: '2025-03-01', agent: '' })).toBe('/to');
    expect(path({ groupBy: 'day', from: '2024-01-01', to: '2025-03-01', agent: '' })).toBe('/to');
    expect(path({ groupBy: 'day', from: '', to: '', agent: 'Not_A_Label' })).toBe('/agent');
  });

  it("a settled call's time is its `at`, within bounds of the service's clock", () => {
    const now = new Date('2025-03-15T12:00:00Z');
    expect(callTime('', now)).toBe(now);
    expect(callTime('2025-03-15T11:00:00Z', now).toISOString()).toBe('2025-03-15T11:00:00.000Z');
    expect(() => callTime('2025-03-16T12:00:00Z', now)).toThrow(/too far/);
    expect(() => callTime('15/03/2025', now)).toThrow(AppError);
  });
});

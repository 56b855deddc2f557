import { describe, expect, it } from '@jest/globals';
import { ago, readCheck, condition, orderServices, summary, type ServiceHealth } from './health-data.js';

const service = (name: string, state: string): ServiceHealth => ({ service: name, state, instances: 1, lastSeenMs: 1, checks: {} });

describe('mesh health', () => {
  it('reads the health service states as up, degraded (stale) or down', () => {
    expect(['up', 'stale', 'down'].map(condition)).toEqual(['up', 'degraded', 'down']);
  });

  it('lists problems first, then by name', () => {
    expect(orderServices([service('worker', 'up'), service('memory', 'stale'), service('audit', 'up'), service('webhooks', 'down')]).map((s) => s.service)).toEqual([
      'webhooks',
      'memory',
      'audit',
      'worker',
    ]);
  });

  it('counts the services in each condition', () => {
    expect(summary({ status: 'degraded', services: [service('a', 'up'), service('b', 'down'), service('c', 'up')] })).toEqual({ up: 2, degraded: 0, down: 1 });
  });

  it('tells a failing check from a good one', () => {
    expect(['up', 'ok', 'down', 'error: connection refused'].map((v) => readCheck(v).tone)).toEqual(['ok', 'ok', 'bad', 'bad']);
  });

  it('reads a consumer load as slots in flight, busy (not down) when every slot is held', () => {
    expect(readCheck('3/8')).toEqual({ tone: 'ok', text: '3 of 8 in flight' });
    expect(readCheck('8/8')).toEqual({ tone: 'busy', text: '8 of 8 in flight' });
  });

  it('says how long ago a service was heard', () => {
    expect([ago(0, 10_000), ago(6_000, 10_000), ago(10_000, 190_000)]).toEqual(['never', '4 s ago', '3 min ago']);
  });
});

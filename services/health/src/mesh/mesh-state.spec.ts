import { describe, expect, it } from '@jest/globals';
import type { ServiceName } from '@af/contracts';
import { evaluateMesh, evaluateService, type InstanceHeartbeat } from './mesh-state.js';

const NOW = 1_000_000;
const STALE = 15_000;

function beat(overrides: Partial<InstanceHeartbeat> = {}): InstanceHeartbeat {
  return { service: 'worker', instanceId: 'worker-1', ready: true, version: '0.1.0', sentAtMs: NOW, receivedAtMs: NOW, checks: { nats: 'up' }, ...overrides };
}

describe(evaluateService.name, () => {
  it('is up when one instance is fresh and ready, whatever the others say', () => {
    const sut = evaluateService('worker', [beat({ instanceId: 'a', ready: false, receivedAtMs: NOW }), beat({ instanceId: 'b', receivedAtMs: NOW - 5_000, checks: { redis: 'up' } })], NOW, STALE);
    expect(sut).toEqual({ service: 'worker', state: 'up', instances: 2, lastSeenMs: NOW, checks: { redis: 'up' } });
  });

  it('is stale when the only heartbeats are older than the stale window', () => {
    expect(evaluateService('worker', [beat({ receivedAtMs: NOW - STALE - 1 })], NOW, STALE)).toMatchObject({ state: 'stale', instances: 1, lastSeenMs: NOW - STALE - 1 });
  });

  it('is down without heartbeats, or when its fresh instances say they are not ready', () => {
    expect(evaluateService('worker', [], NOW, STALE)).toEqual({ service: 'worker', state: 'down', instances: 0, lastSeenMs: 0, checks: {} });
    expect(evaluateService('worker', [beat({ ready: false, checks: { postgres: 'down' } })], NOW, STALE)).toMatchObject({ state: 'down', instances: 1, checks: { postgres: 'down' } });
  });
});

describe(evaluateMesh.name, () => {
  it('is ok only when every expected service is up, and lists every expected service', () => {
    const all = new Map<ServiceName, InstanceHeartbeat[]>([
      ['worker', [beat()]],
      ['memory', [beat({ service: 'memory' })]],
    ]);
    expect(evaluateMesh(['worker', 'memory'], new Map(all), NOW, STALE).status).toBe('ok');
    const partial = evaluateMesh(['worker', 'memory', 'health'], new Map(all), NOW, STALE);
    expect(partial.status).toBe('degraded');
    expect(partial.services.map((s) => [s.service, s.state])).toEqual([
      ['worker', 'up'],
      ['memory', 'up'],
      ['health', 'down'],
    ]);
  });

  it('is not degraded by an optional service that is not running, but is by one that runs unwell', () => {
    const known = new Map<ServiceName, InstanceHeartbeat[]>([['worker', [beat()]]]);
    const absent = evaluateMesh(['worker', 'pool-manager'], new Map(known), NOW, STALE, ['pool-manager']);
    expect(absent.status).toBe('ok');
    expect(absent.services.map((s) => [s.service, s.state])).toEqual([
      ['worker', 'up'],
      ['pool-manager', 'down'],
    ]);
    expect(evaluateMesh(['worker', 'pool-manager'], new Map(known), NOW, STALE).status).toBe('degraded');
    known.set('pool-manager', [beat({ service: 'pool-manager', ready: false })]);
    expect(evaluateMesh(['worker', 'pool-manager'], known, NOW, STALE, ['pool-manager']).status).toBe('degraded');
  });
});

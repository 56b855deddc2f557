import { describe, expect, it } from '@jest/globals';
import type { InstanceHeartbeat } from './mesh-state.js';
import { evaluateWorkers, WORKER_RUNS_LOAD_CHECK } from './worker-liveness.js';

const NOW = 1_000_000;

function beat(instanceId: string, receivedAtMs: number, checks: Record<string, string> = {}): InstanceHeartbeat {
  return { service: 'worker', instanceId, ready: true, version: '0.1.0', sentAtMs: receivedAtMs, receivedAtMs, checks };
}

describe(evaluateWorkers.name, () => {
  it('is alive within the window and dead after it, with its load from the heartbeat checks', () => {
    const sut = evaluateWorkers([beat('w-b', NOW - 15_001, { [WORKER_RUNS_LOAD_CHECK]: '2/64' }), beat('w-a', NOW - 15_000, { [WORKER_RUNS_LOAD_CHECK]: '7/64' })], NOW, 15_000);
    expect(sut).toEqual([
      { workerId: 'w-a', state: 'alive', lastSeenMs: NOW - 15_000, inFlight: 7, slots: 64 },
      { workerId: 'w-b', state: 'dead', lastSeenMs: NOW - 15_001, inFlight: 2, slots: 64 },
    ]);
  });

  it('reports no load when the check is missing or malformed', () => {
    expect(evaluateWorkers([beat('w', NOW, { [WORKER_RUNS_LOAD_CHECK]: 'lots' })], NOW, 1_000)[0]).toMatchObject({ inFlight: 0, slots: 0 });
    expect(evaluateWorkers([beat('w', NOW)], NOW, 1_000)[0]).toMatchObject({ inFlight: 0, slots: 0 });
  });
});

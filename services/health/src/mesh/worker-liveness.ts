import type { InstanceHeartbeat } from './mesh-state.js';

export type WorkerState = 'alive' | 'dead';

export interface WorkerView {
  workerId: string;
  state: WorkerState;
  lastSeenMs: number;
  inFlight: number;
  slots: number;
}

/** The heartbeat check a service's consumer load is reported under: "held/concurrency" (see @af/messaging HeartbeatPublisher). */
export const WORKER_RUNS_LOAD_CHECK = 'inflight:worker-runs';

/**
 * alive: a heartbeat within `deadAfterMs`; dead otherwise (a dead worker is listed until its
 * heartbeat expires). Nothing is done about a dead worker's runs here: JetStream redelivers every
 * run it held once the consumer's AckWait passes without its in-progress beats, and the journal
 * resumes it elsewhere.
 */
export function evaluateWorkers(instances: readonly InstanceHeartbeat[], nowMs: number, deadAfterMs: number): WorkerView[] {
  return instances
    .map((i) => {
      const [held, concurrency] = parseLoad(i.checks[WORKER_RUNS_LOAD_CHECK]);
      return { workerId: i.instanceId, state: nowMs - i.receivedAtMs <= deadAfterMs ? 'alive' : 'dead', lastSeenMs: i.receivedAtMs, inFlight: held, slots: concurrency } satisfies WorkerView;
    })
    .sort((a, b) => a.workerId.localeCompare(b.workerId));
}

function parseLoad(value: string | undefined): [number, number] {
  const match = /^(\d{1,9})\/(\d{1,9})$/.exec(value ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

import { describe, expect, it } from '@jest/globals';
import { CANCELLABLE_STATUSES, RUN_STATUSES, RUN_TRANSITIONS, canTransition, isFinalStatus, isRunStatus, type RunStatus } from './run-lifecycle.js';

describe('run lifecycle', () => {
  it('walks the happy path and the waiting loop forward', () => {
    const path: RunStatus[] = ['queued', 'running', 'waiting', 'queued', 'running', 'waiting', 'queued', 'running', 'succeeded'];
    for (let i = 1; i < path.length; i++) {
      // a resumed run is a new dispatch: its first delivery starts again at attempt 1
      expect(canTransition(path[i - 1]!, path[i]!, 1, 1)).toBe(true);
    }
    expect(canTransition(null, 'queued')).toBe(true);
    expect(canTransition(null, 'running')).toBe(false);
  });

  it('never leaves a final status except a dead letter re-queued by a retry', () => {
    for (const from of ['succeeded', 'failed', 'cancelled'] as const) {
      for (const to of RUN_STATUSES) expect(canTransition(from, to, 99, 0)).toBe(false);
    }
    expect(RUN_STATUSES.filter((to) => canTransition('dead_lettered', to, 1, 1))).toEqual(['queued']);
    expect(RUN_STATUSES.filter(isFinalStatus)).toEqual(['succeeded', 'failed', 'cancelled', 'dead_lettered']);
  });

  it('refuses to go back to queued or to restart a run for a stale attempt', () => {
    for (const from of ['running', 'queued'] as const) expect(canTransition(from, 'queued')).toBe(false);
    expect(canTransition('running', 'running', 1, 1)).toBe(false);
    expect(canTransition('running', 'running', 2, 1)).toBe(true);
  });

  it('parks and resumes only through waiting → queued: a late started event cannot wake a waiting run', () => {
    expect(canTransition('running', 'waiting')).toBe(true);
    // the park may be handled before the started event of the same delivery
    expect(canTransition('queued', 'waiting')).toBe(true);
    expect(canTransition('waiting', 'running', 5, 1)).toBe(false);
    expect(canTransition('waiting', 'queued')).toBe(true);
    expect(canTransition('waiting', 'failed')).toBe(true);
    expect(canTransition('waiting', 'cancelled')).toBe(true);
  });

  it('can cancel exactly the statuses that are not final, and every edge targets a known status', () => {
    expect(CANCELLABLE_STATUSES.every((s) => canTransition(s, 'cancelled'))).toBe(true);
    expect(RUN_STATUSES.filter((s) => !isFinalStatus(s))).toEqual([...CANCELLABLE_STATUSES]);
    for (const to of Object.values(RUN_TRANSITIONS).flat()) expect(isRunStatus(to)).toBe(true);
    expect(isRunStatus('done')).toBe(false);
  });
});

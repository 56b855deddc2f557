import { describe, expect, it } from '@jest/globals';
import { applyRunEvent, EMPTY_LIVE_RUN, type LiveRun } from './timeline.js';

const transition = (seq: number, to: string, from: string | null = null) => ({ event: 'transition', data: { seq, from, to, at: '2026-01-01T00:00:00Z', attempt: 1, workerId: 'w1', reason: 'r', code: null } });

describe(applyRunEvent.name, () => {
  it('appends transitions once each, in seq order, and takes the last one’s status', () => {
    let state: LiveRun = EMPTY_LIVE_RUN;
    for (const event of [transition(1, 'queued'), transition(3, 'succeeded', 'running'), transition(2, 'running', 'queued'), transition(2, 'running', 'queued')]) state = applyRunEvent(state, event);
    expect(state.transitions.map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(state.status).toBe('succeeded');
  });

  it('streams tokens into their step and ends with the final status', () => {
    let state = applyRunEvent(EMPTY_LIVE_RUN, { event: 'token', data: { stepId: 's1', text: 'Hel' } });
    state = applyRunEvent(state, { event: 'token', data: { stepId: 's1', text: 'lo' } });
    expect(state).toMatchObject({ currentStep: 's1', streams: { s1: 'Hello' } });
    state = applyRunEvent(state, { event: 'token_dropped', data: { dropped: 4 } });
    state = applyRunEvent(state, { event: 'end', data: { status: 'failed', final: true } });
    expect(state).toMatchObject({ status: 'failed', final: true, currentStep: undefined, dropped: 4 });
  });

  it('ignores a frame it cannot read and an unknown event', () => {
    expect(applyRunEvent(EMPTY_LIVE_RUN, { event: 'transition', data: { to: 1 } })).toBe(EMPTY_LIVE_RUN);
    expect(applyRunEvent(EMPTY_LIVE_RUN, { event: 'ping', data: {} })).toBe(EMPTY_LIVE_RUN);
  });
});

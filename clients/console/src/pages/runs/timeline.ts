/** A stored transition of a run (GET /v1/runs/{id}/events, or an SSE `transition` frame). */
export interface Transition {
  seq: number;
  from: string | null;
  to: string;
  at: string;
  attempt: number;
  workerId: string | null;
  reason: string;
  code: string | null;
}

/** What the run page holds while it follows a run. */
export interface LiveRun {
  transitions: Transition[];
  /** Model text streamed per step (stepId → text so far). */
  streams: Record<string, string>;
  /** The step the model is streaming now. */
  currentStep: string | undefined;
  status: string | undefined;
  final: boolean;
  dropped: number;
}

export const EMPTY_LIVE_RUN: LiveRun = { transitions: [], streams: {}, currentStep: undefined, status: undefined, final: false, dropped: 0 };

function asTransition(data: Record<string, unknown>): Transition | undefined {
  if (typeof data['seq'] !== 'number' || typeof data['to'] !== 'string') return undefined;
  return {
    seq: data['seq'],
    from: typeof data['from'] === 'string' ? data['from'] : null,
    to: data['to'],
    at: typeof data['at'] === 'string' ? data['at'] : new Date().toISOString(),
    attempt: typeof data['attempt'] === 'number' ? data['attempt'] : 1,
    workerId: typeof data['workerId'] === 'string' ? data['workerId'] : null,
    reason: typeof data['reason'] === 'string' ? data['reason'] : '',
    code: typeof data['code'] === 'string' ? data['code'] : null,
  };
}

/**
 * One SSE frame applied to the page's state: a transition appends (once per seq, in seq order) and
 * sets the status; a token extends its step's text; `end` records the final status.
 */
export function applyRunEvent(state: LiveRun, event: { event: string; data: Record<string, unknown> }): LiveRun {
  if (event.event === 'transition') {
    const transition = asTransition(event.data);
    if (!transition || state.transitions.some((t) => t.seq === transition.seq)) return state;
    const transitions = [...state.transitions, transition].sort((a, b) => a.seq - b.seq);
    return { ...state, transitions, status: transitions[transitions.length - 1]!.to };
  }
  if (event.event === 'token') {
    const stepId = typeof event.data['stepId'] === 'string' ? event.data['stepId'] : 'model';
    const text = typeof event.data['text'] === 'string' ? event.data['text'] : '';
    return { ...state, currentStep: stepId, streams: { ...state.streams, [stepId]: (state.streams[stepId] ?? '') + text } };
  }
  if (event.event === 'token_dropped') {
    const dropped = typeof event.data['dropped'] === 'number' ? event.data['dropped'] : 0;
    return { ...state, dropped: state.dropped + dropped };
  }
  if (event.event === 'end') {
    const status = typeof event.data['status'] === 'string' ? event.data['status'] : state.status;
    return { ...state, status, final: event.data['final'] !== false, currentStep: undefined };
  }
  return state;
}

/** Statuses a run does not leave. */
export const FINAL_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);

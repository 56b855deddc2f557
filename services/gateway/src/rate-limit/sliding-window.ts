/**
 * Sliding-window counters (the "sliding window counter" of Cloudflare and Redis' own rate-limit
 * pattern): each window of `windowMs` keeps one counter per fixed slot; the count over the last
 * `windowMs` is estimated as `previous × (1 − elapsed) + current`. O(1) memory per principal
 * and window, no boundary doubling of a fixed window (a burst at the end of one slot still
 * weighs on the start of the next).
 */
export interface Window {
  windowMs: number;
  limit: number;
}

/** Counts read from Redis for one window: the previous and current slot (before this request). */
export interface WindowCounts {
  previous: number;
  current: number;
}

export interface WindowState {
  windowMs: number;
  limit: number;
  /** Requests still allowed in the window after this one (never negative). */
  remaining: number;
  /** Milliseconds until one more request would be allowed (0 when allowed now). */
  retryAfterMs: number;
  /** Milliseconds until the window's count is back to 0 if no request comes (the draft's "reset"). */
  resetMs: number;
}

export function slotOf(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs);
}

/** The estimated count and what it means for one more request at `nowMs`. */
export function evaluateWindow(window: Window, counts: WindowCounts, nowMs: number): WindowState & { allowed: boolean } {
  const { windowMs, limit } = window;
  const elapsed = (nowMs - slotOf(nowMs, windowMs) * windowMs) / windowMs;
  const estimate = counts.previous * (1 - elapsed) + counts.current;
  const allowed = estimate + 1 <= limit;
  const remaining = Math.max(0, Math.floor(limit - estimate - (allowed ? 1 : 0)));
  const untilSlotEnd = (1 - elapsed) * windowMs;
  const resetMs = (counts.current + (allowed ? 1 : 0) > 0 ? untilSlotEnd + windowMs : counts.previous > 0 ? untilSlotEnd : 0);
  return { windowMs, limit, allowed, remaining, retryAfterMs: allowed ? 0 : retryAfter(window, counts, elapsed), resetMs };
}

/** When the estimate will have decayed enough for one request: within this slot, or in the next one. */
function retryAfter({ windowMs, limit }: Window, { previous, current }: WindowCounts, elapsed: number): number {
  const room = limit - 1;
  if (current <= room && previous > 0) {
    // previous × (1 − e) + current ≤ room  ⇔  e ≥ 1 − (room − current) / previous
    const needed = 1 - (room - current) / previous;
    if (needed <= 1) return Math.max(1, Math.ceil((needed - elapsed) * windowMs));
  }
  // In the next slot the current one becomes "previous": current × (1 − e) ≤ room.
  const next = current > 0 ? Math.max(0, 1 - room / current) : 0;
  return Math.max(1, Math.ceil((1 - elapsed) * windowMs + next * windowMs));
}

/** The state the client is told about: a denying window first, else the one with the fewest requests left. */
export function bindingWindow<T extends WindowState & { allowed: boolean }>(states: readonly T[]): T {
  let binding = states[0]!;
  for (const state of states.slice(1)) {
    if (!state.allowed && binding.allowed) binding = state;
    else if (state.allowed === binding.allowed && (state.allowed ? state.remaining < binding.remaining : state.retryAfterMs > binding.retryAfterMs)) binding = state;
  }
  return binding;
}

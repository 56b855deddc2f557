import { describe, expect, it } from '@jest/globals';
import { bindingWindow, evaluateWindow } from './sliding-window.js';

const second = { windowMs: 1_000, limit: 10 };

describe(evaluateWindow.name, () => {
  it('allows while the estimate leaves room and says how much is left', () => {
    expect(evaluateWindow(second, { previous: 0, current: 3 }, 5_000)).toMatchObject({ allowed: true, remaining: 6, retryAfterMs: 0 });
  });

  it('weighs the previous slot by the part of the window it still covers', () => {
    // 25 % into the slot: 8 × 0.75 + 3 = 9 → one more fits, none after it.
    expect(evaluateWindow(second, { previous: 8, current: 3 }, 5_250)).toMatchObject({ allowed: true, remaining: 0 });
    // 10 % into the slot: 8 × 0.9 + 3 = 10.2 → refused; room again once 8 × (1 − e) + 3 ≤ 9, at e = 0.25.
    expect(evaluateWindow(second, { previous: 8, current: 3 }, 5_100)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 150 });
  });

  it('a full current slot waits into the next one (no boundary doubling)', () => {
    // 10 in this slot, half of it left: in the next slot 10 × (1 − e) ≤ 9 at e = 0.1 → 500 + 100 ms.
    expect(evaluateWindow(second, { previous: 0, current: 10 }, 5_500)).toMatchObject({ allowed: false, retryAfterMs: 600 });
  });

  it('resets when both slots have slid out', () => {
    expect(evaluateWindow(second, { previous: 0, current: 0 }, 5_400).resetMs).toBe(1_600);
    expect(evaluateWindow(second, { previous: 4, current: 0 }, 5_400)).toMatchObject({ allowed: true, resetMs: 1_600 });
  });
});

describe(bindingWindow.name, () => {
  it('prefers a refusing window, then the longest wait, else the fewest remaining', () => {
    const a = { windowMs: 1_000, limit: 10, allowed: true, remaining: 5, retryAfterMs: 0, resetMs: 1 };
    const b = { windowMs: 60_000, limit: 600, allowed: true, remaining: 2, retryAfterMs: 0, resetMs: 1 };
    const c = { windowMs: 60_000, limit: 600, allowed: false, remaining: 0, retryAfterMs: 9_000, resetMs: 1 };
    const d = { windowMs: 1_000, limit: 10, allowed: false, remaining: 0, retryAfterMs: 300, resetMs: 1 };
    expect(bindingWindow([a, b])).toBe(b);
    expect(bindingWindow([a, c])).toBe(c);
    expect(bindingWindow([d, c])).toBe(c);
  });
});

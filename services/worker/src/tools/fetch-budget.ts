import { NetworkRefused } from './safe-fetch.js';

/** Bounds on what one run's tool code may fetch (worker config `fetch`). */
export interface FetchBudgetLimits {
  /** Fetches one tool call may have in flight at once; one more is rejected, never queued. */
  maxConcurrentPerCall: number;
  /** Fetches one run may make in all (every tool call of every turn). */
  maxFetchesPerRun: number;
  /** Response bytes one run may read in all. */
  maxBytesPerRun: number;
  /** Largest response of one fetch (also SafeFetch's own cap). */
  maxResponseBytes: number;
}

export const FETCH_BUDGET_LIMITS = Symbol('FETCH_BUDGET_LIMITS');

/**
 * One run's fetch budget. A fetch reserves the bytes it may read up front (the per-fetch cap, or
 * what is left of the run's budget if less) and gives back what it did not use, so concurrent
 * fetches can never read more than the run's budget together.
 */
export class RunFetchBudget {
  private fetches = 0;
  private reservedOrUsed = 0;

  constructor(readonly limits: FetchBudgetLimits) {}

  /** Counts a fetch and reserves its bytes; refuses when the run's count or bytes are spent. */
  reserve(): { maxBytes: number; settle: (usedBytes: number) => void } {
    if (this.fetches >= this.limits.maxFetchesPerRun) throw new NetworkRefused(`this run has made its ${this.limits.maxFetchesPerRun} fetches (the per-run limit)`);
    const left = this.limits.maxBytesPerRun - this.reservedOrUsed;
    if (left <= 0) throw new NetworkRefused(`this run has read its budget of ${this.limits.maxBytesPerRun} response bytes`);
    const maxBytes = Math.min(this.limits.maxResponseBytes, left);
    this.fetches++;
    this.reservedOrUsed += maxBytes;
    let settled = false;
    return {
      maxBytes,
      settle: (usedBytes: number) => {
        if (settled) return;
        settled = true;
        this.reservedOrUsed -= maxBytes - Math.min(maxBytes, Math.max(0, usedBytes));
      },
    };
  }

  get fetchCount(): number {
    return this.fetches;
  }

  get bytesUsed(): number {
    return this.reservedOrUsed;
  }
}

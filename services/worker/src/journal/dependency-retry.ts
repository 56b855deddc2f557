import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, toAppError } from '@af/errors';
import type { Logger } from '@af/observability';

/** Failures of a dependency (the orchestrator's journal, JetStream) that a later attempt may not meet. */
const DEPENDENCY_FAILURES = new Set<ErrorCode>([ErrorCode.Unavailable, ErrorCode.Timeout]);

export function isDependencyFailure(error: unknown): boolean {
  return DEPENDENCY_FAILURES.has(toAppError(error).code);
}

export interface DependencyRetryOptions {
  /** How long one call keeps being retried before its last error is thrown (WORKER_DEPENDENCY_RETRY_MS). */
  deadlineMs: number;
  /** First pause between two attempts; it doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Retries, in this process, a call to a dependency that failed with UNAVAILABLE or TIMEOUT, with
 * capped exponential backoff (jittered), until it succeeds, fails otherwise, `deadlineMs` has passed or
 * `signal` aborts (the run was handed back at shutdown) — then the last error is thrown.
 *
 * Used for what the worker must not lose while it still holds the result in memory: a step's
 * begin/complete in the journal and the run's outcome event. The SlotConsumer's in-progress
 * heartbeats keep the message alive meanwhile, so a dependency outage shorter than the deadline
 * costs time, never a repeated step: storing a finished step's result late is still exactly once
 * (the journal keeps the first completion; events are de-duplicated by their message id).
 */
export async function withDependencyRetry<T>(what: string, call: () => Promise<T>, options: DependencyRetryOptions, logger: Logger, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let delayMs = options.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await call();
      if (attempt > 1) logger.info({ what, attempts: attempt }, 'dependency answered again');
      return result;
    } catch (error) {
      const remaining = deadline - Date.now();
      if (!isDependencyFailure(error) || remaining <= 0 || signal?.aborted) throw error;
      if (attempt === 1 || attempt % 10 === 0) {
        logger.warn({ what, attempt, code: toAppError(error).code, retryForMs: remaining }, `dependency failed; retrying: ${toAppError(error).message}`);
      }
      // Jittered (0.5–1.5× the delay): runs refused together by a busy dependency (its in-flight
      // bound shed them in one burst) must not all come back in the same millisecond and be shed again.
      await sleep(Math.min(delayMs * (0.5 + Math.random()), remaining), undefined, signal ? { signal } : {}).catch(() => undefined);
      if (signal?.aborted) throw error;
      delayMs = Math.min(maxDelayMs, delayMs * 2);
    }
  }
}

import type { RunSummary, RunTransition } from '@af/contracts';

export function runSummaryView(r: RunSummary) {
  return {
    runId: r.runId,
    agent: r.agent,
    version: r.version,
    status: r.status,
    priority: r.priority,
    attempts: r.attempts,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt || null,
    errorCode: r.errorCode || null,
  };
}

export function transitionView(t: RunTransition) {
  return {
    seq: t.seq,
    from: t.fromStatus || null,
    to: t.toStatus,
    at: t.at,
    attempt: t.attempt,
    workerId: t.workerId || null,
    reason: t.reason,
    code: t.code || null,
  };
}

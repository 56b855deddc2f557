/**
 * The run's state machine — the one place that says which status may follow which.
 *
 *   queued → running → (waiting → queued → running)* → succeeded | failed | cancelled | dead_lettered
 *   dead_lettered → queued   (a dead-letter retry re-queues the same run as a new dispatch)
 *
 * `waiting`: the run is parked on an escalation (a tool call or a low-confidence answer waits for a
 * human); no worker holds it. Approved → queued again (a new dispatch that replays the journal),
 * rejected → failed. A waiting run never goes back to running directly: a late `started` event of
 * the delivery that parked it must not wake it up.
 *
 * Events are delivered at least once and not in order (the orchestrator's consumer runs handlers
 * concurrently), so a few shortcuts are allowed: a result may arrive before its `started`
 * (queued → succeeded | failed), a park may arrive before its `started` (queued → waiting), and a
 * waiting run may finish. `running → running` is a redelivery starting a new attempt, allowed only
 * for a higher attempt number. Everything else — a late or duplicate event for a run that moved
 * on — is refused: the status stays and no transition is stored.
 */
export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'dead_lettered'] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Nothing moves the run on by itself: the outcome is known. `dead_lettered` counts as final (no
 * worker will touch the run) though an explicit dead-letter retry may re-queue it.
 */
export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'dead_lettered'];

/** Allowed edges, from → to. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'waiting', 'succeeded', 'failed', 'cancelled', 'dead_lettered'],
  running: ['running', 'waiting', 'succeeded', 'failed', 'cancelled', 'dead_lettered'],
  waiting: ['queued', 'succeeded', 'failed', 'cancelled', 'dead_lettered'],
  dead_lettered: ['queued'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

/** Statuses a caller may cancel from. */
export const CANCELLABLE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting'];

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

/** See FINAL_STATUSES. */
export function isFinalStatus(status: RunStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * May a run in `from` (at `currentAttempts`) move to `to` for an event of `attempt`?
 * `from` is null when the run is being created: only `queued` may begin a run.
 */
export function canTransition(from: RunStatus | null, to: RunStatus, attempt = 0, currentAttempts = 0): boolean {
  if (from === null) return to === 'queued';
  if (!RUN_TRANSITIONS[from].includes(to)) return false;
  if (from === 'running' && to === 'running') return attempt > currentAttempts;
  return true;
}

import { env } from '@af/config';

/** The reconciler: what counts as stuck, and how often it looks. */
export const reconcilerConfigSpec = {
  intervalMs: env.int('ORCHESTRATOR_RECONCILE_INTERVAL_MS', { default: 30_000, min: 100, max: 3_600_000, description: 'How often the reconciler looks for stuck runs' }),
  stallTimeoutMs: env.int('ORCHESTRATOR_RUN_STALL_TIMEOUT_MS', { default: 600_000, min: 1_000, max: 86_400_000, description: 'A running run with no transition or step for this long is stuck' }),
  dispatchTimeoutMs: env.int('ORCHESTRATOR_DISPATCH_TIMEOUT_MS', { default: 300_000, min: 1_000, max: 86_400_000, description: 'A dispatched run not started for this long is checked against AF_RUNS' }),
  maxDispatches: env.int('ORCHESTRATOR_MAX_DISPATCHES', { default: 3, min: 1, max: 100, description: 'Re-dispatches by the reconciler stop here: the run is dead-lettered' }),
};

export const RECONCILER_OPTIONS = Symbol.for('af.orchestrator.reconciler.options');

export interface ReconcilerOptions {
  intervalMs: number;
  stallTimeoutMs: number;
  dispatchTimeoutMs: number;
  maxDispatches: number;
}

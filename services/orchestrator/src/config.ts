import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';
import { dispatchConfigSpec } from './dispatch/dispatch.config.js';
import { reconcilerConfigSpec } from './reconciler/reconciler.config.js';

const service = serviceConfigSpec('orchestrator');

/**
 * The orchestrator answers every worker's step journal (af.v1.runs.steps.begin/complete: one
 * request outstanding per run in flight) besides the gateways' submissions and reads, so its bound
 * on requests handled at once must hold the whole worker fleet's concurrency: at the shared
 * default of 256, one worker with WORKER_RUN_CONCURRENCY=1000 got most of its journal calls shed
 * (UNAVAILABLE, retried after 0.25–5 s) and submissions refused 503 (issue 13 (f)). 8 192 holds
 * four workers at 1 000 runs each (the mesh's worker and the pool manager's three) or 128 at the
 * default 64, plus the gateways. A request waiting here holds no PostgreSQL connection
 * (DATABASE_POOL_SIZE bounds those), only its decoded message: usually a few KiB (a step result
 * can be up to 768 KiB, so lower the bound on a small host whose workers return large results).
 */
export const ORCHESTRATOR_NATS_MAX_IN_FLIGHT = 8_192;

export const orchestratorConfigSpec = {
  ...service,
  backPressure: {
    ...service.backPressure,
    natsMaxInFlight: env.int('NATS_MAX_REQUESTS_IN_FLIGHT', { default: ORCHESTRATOR_NATS_MAX_IN_FLIGHT, min: 1, max: 100_000, description: 'NATS requests handled at once (the orchestrator: at least the runs all workers hold at once, plus the gateways\' requests); more get UNAVAILABLE' }),
  },
  nats: natsConfigSpec,
  database: {
    ...databaseConfigSpec,
    /** The PostgreSQL schema the service owns (tests, e.g. the worker's, run one in their own). */
    schema: env.string('ORCHESTRATOR_DB_SCHEMA', { default: 'orchestrator', pattern: /^[a-z_][a-z0-9_]{0,62}$/, description: 'PostgreSQL schema of the orchestrator service' }),
  },
  runs: {
    // A run's started and finished events are on the critical path of every run: it holds its
    // tenant's slot, and its client sees it finished, only once they are recorded. At the
    // contract's 8 they queued behind the step-journal requests of ~1 000 held runs for the same
    // PostgreSQL pool: in bench:runs (f) the orchestrator recorded successes ~30 s after the worker
    // published them, at 32 within 10–20 s (1 000 runs on a 1 s model; worker in-flight.int-spec
    // without HTTP clients: ~5 s → 25 ms). No more connections: DATABASE_POOL_SIZE bounds those.
    eventsConcurrency: env.int('ORCHESTRATOR_RUN_EVENTS_CONCURRENCY', { default: 32, min: 1, max: 1_024, description: 'Run events (started, succeeded, failed) this process records at once (orchestrator-run-events consumer; each holds a PostgreSQL connection while it commits)' }),
    outboxIntervalMs: env.int('ORCHESTRATOR_OUTBOX_INTERVAL_MS', { default: 2_000, min: 100, max: 3_600_000 }),
    outboxGraceMs: env.int('ORCHESTRATOR_OUTBOX_GRACE_MS', { default: 2_000, min: 0, max: 600_000 }),
    idempotencyKeyTtlMs: env.int('ORCHESTRATOR_IDEMPOTENCY_KEY_TTL_MS', { default: 86_400_000, min: 86_400_000, max: 30 * 86_400_000 }),
    idempotencySweepIntervalMs: env.int('ORCHESTRATOR_IDEMPOTENCY_SWEEP_INTERVAL_MS', { default: 600_000, min: 1_000, max: 86_400_000 }),
  },
  dispatch: dispatchConfigSpec,
  reconciler: reconcilerConfigSpec,
};

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;

export function loadOrchestratorConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(orchestratorConfigSpec, source);
}

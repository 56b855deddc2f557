import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';
import { dispatchConfigSpec } from './dispatch/dispatch.config.js';
import { reconcilerConfigSpec } from './reconciler/reconciler.config.js';

export const orchestratorConfigSpec = {
  ...serviceConfigSpec('orchestrator'),
  nats: natsConfigSpec,
  database: {
    ...databaseConfigSpec,
    /** The PostgreSQL schema the service owns (tests, e.g. the worker's, run one in their own). */
    schema: env.string('ORCHESTRATOR_DB_SCHEMA', { default: 'orchestrator', pattern: /^[a-z_][a-z0-9_]{0,62}$/, description: 'PostgreSQL schema of the orchestrator service' }),
  },
  runs: {
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

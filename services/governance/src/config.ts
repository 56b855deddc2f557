import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

const THIRTY_DAYS_SEC = 30 * 24 * 3600;

export const governanceConfigSpec = {
  ...serviceConfigSpec('governance'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  escalations: {
    defaultDeadlineSec: env.int('GOVERNANCE_DEFAULT_DEADLINE_SEC', { default: 86_400, min: 1, max: THIRTY_DAYS_SEC, description: 'Deadline of each approval level when the policy names none (seconds)' }),
    minDeadlineSec: env.int('GOVERNANCE_MIN_DEADLINE_SEC', { default: 10, min: 1, max: 3_600, description: 'Shortest level deadline a policy may ask for (seconds; lowered only in tests)' }),
    sweepIntervalMs: env.int('GOVERNANCE_SWEEP_INTERVAL_MS', { default: 5_000, min: 100, max: 600_000, description: 'How often pending escalations past their deadline are escalated or rejected by policy' }),
    outboxIntervalMs: env.int('GOVERNANCE_OUTBOX_INTERVAL_MS', { default: 5_000, min: 100, max: 600_000, description: 'How often escalation events not yet on JetStream are published again' }),
  },
};

export type GovernanceConfig = ReturnType<typeof loadGovernanceConfig>;

export function loadGovernanceConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(governanceConfigSpec, source);
}

import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const triggersConfigSpec = {
  ...serviceConfigSpec('triggers'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  triggers: {
    tickIntervalMs: env.int('TRIGGERS_TICK_INTERVAL_MS', { default: 250, min: 50, max: 1_000, description: 'How often due schedule ticks are claimed (at most 1 s)' }),
    catchupMs: env.int('TRIGGERS_CATCHUP_MS', { default: 300_000, min: 0, max: 86_400_000, description: 'A missed tick this recent fires once (the latest only); older missed ticks are skipped and counted' }),
  },
};

export type TriggersConfig = ReturnType<typeof loadTriggersConfig>;

export function loadTriggersConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(triggersConfigSpec, source);
}

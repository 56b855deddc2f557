import { loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const triggersConfigSpec = {
  ...serviceConfigSpec('triggers'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
};

export type TriggersConfig = ReturnType<typeof loadTriggersConfig>;

export function loadTriggersConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(triggersConfigSpec, source);
}

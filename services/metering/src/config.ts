import { loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const meteringConfigSpec = {
  ...serviceConfigSpec('metering'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
};

export type MeteringConfig = ReturnType<typeof loadMeteringConfig>;

export function loadMeteringConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(meteringConfigSpec, source);
}

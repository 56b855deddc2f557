import { loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const secretsConfigSpec = {
  ...serviceConfigSpec('secrets'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
};

export type SecretsConfig = ReturnType<typeof loadSecretsConfig>;

export function loadSecretsConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(secretsConfigSpec, source);
}

import { loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const webhooksConfigSpec = {
  ...serviceConfigSpec('webhooks'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
};

export type WebhooksConfig = ReturnType<typeof loadWebhooksConfig>;

export function loadWebhooksConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(webhooksConfigSpec, source);
}

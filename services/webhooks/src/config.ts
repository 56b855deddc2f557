import { ConfigVarError, env, loadConfig, type VarSpec } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

const HOST_PORT = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** `WEBHOOKS_ALLOW_HOSTS`: comma-separated `host` or `host:port` entries exempt from the SSRF address rules. */
function allowHosts(name: string, description: string): VarSpec<string[]> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description,
    parse(raw) {
      const list = (raw ?? '').split(',').map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
      const bad = list.find((a) => !HOST_PORT.test(a));
      if (bad !== undefined) throw new ConfigVarError(`"${bad.slice(0, 64)}" is not a host or host:port (a comma-separated list, or empty)`);
      return list;
    },
  };
}

export const webhooksConfigSpec = {
  ...serviceConfigSpec('webhooks'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  webhooks: {
    maxAttempts: env.int('WEBHOOKS_MAX_ATTEMPTS', { default: 8, min: 1, max: 50, description: 'Delivery attempts per event and webhook before the delivery is failed' }),
    retryBaseMs: env.int('WEBHOOKS_RETRY_BASE_MS', { default: 1_000, min: 10, max: 3_600_000, description: 'Wait before the 2nd attempt; doubles for each later one (capped by WEBHOOKS_RETRY_MAX_MS)' }),
    retryMaxMs: env.int('WEBHOOKS_RETRY_MAX_MS', { default: 600_000, min: 10, max: 86_400_000, description: 'Longest wait between two attempts' }),
    timeoutMs: env.int('WEBHOOKS_TIMEOUT_MS', { default: 10_000, min: 100, max: 60_000, description: 'Time limit of one delivery request (connect, send, answer)' }),
    dispatchIntervalMs: env.int('WEBHOOKS_DISPATCH_INTERVAL_MS', { default: 1_000, min: 20, max: 60_000, description: 'How often due deliveries are looked for' }),
    batchSize: env.int('WEBHOOKS_DISPATCH_BATCH', { default: 100, min: 1, max: 1_000, description: 'Due deliveries claimed per dispatcher pass' }),
    concurrency: env.int('WEBHOOKS_DISPATCH_CONCURRENCY', { default: 16, min: 1, max: 256, description: 'Delivery requests in flight at once per instance' }),
    allowHosts: allowHosts(
      'WEBHOOKS_ALLOW_HOSTS',
      'Operator allowlist: comma-separated host or host:port targets exempt from the SSRF rules (loopback, private, link-local, metadata addresses); empty (the default) in production, 127.0.0.1 in tests',
    ),
  },
};

export type WebhooksConfig = ReturnType<typeof loadWebhooksConfig>;

export function loadWebhooksConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(webhooksConfigSpec, source);
}

import { env } from '@af/config';

export const natsConfigSpec = {
  url: env.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222', description: 'NATS server with JetStream' }),
  /** Isolation prefix for subjects, streams and buckets; empty in production (see Namespace). */
  namespace: env.string('AF_NAMESPACE', { default: '', pattern: /^([a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?)?$/ }),
  requestTimeoutMs: env.int('NATS_REQUEST_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 }),
};

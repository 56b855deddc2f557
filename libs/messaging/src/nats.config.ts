import { env } from '@af/config';

export const natsConfigSpec = {
  url: env.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222', description: 'NATS server with JetStream' }),
  requestTimeoutMs: env.int('NATS_REQUEST_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 }),
};

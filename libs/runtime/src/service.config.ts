import { env } from '@af/config';
import { defaultHttpPorts, type ServiceName } from '@af/contracts';

/**
 * Room kept between the HTTP body limit and the NATS max_payload for what a request adds around
 * the body (protobuf fields, caller, NATS headers): a body the HTTP edge accepts fits a message.
 */
export const NATS_ENVELOPE_RESERVE_BYTES = 64 * 1_024;

/** The in-flight bounds when a caller passes none (the variables' defaults). */
export const DEFAULT_BACK_PRESSURE = { httpMaxInFlight: 256, natsMaxInFlight: 256, retryAfterSec: 1 } as const;

/** What every service reads: where it listens and how it logs. */
export function serviceConfigSpec(service: ServiceName) {
  return {
    http: {
      host: env.string('HTTP_HOST', { default: '127.0.0.1' }),
      port: env.port('HTTP_PORT', { default: defaultHttpPorts[service] }),
      // NATS's default max_payload (1 MiB) minus the envelope reserve; checked against the server at boot.
      bodyLimitBytes: env.int('HTTP_BODY_LIMIT_BYTES', { default: 1_048_576 - NATS_ENVELOPE_RESERVE_BYTES, min: 1_024, max: 64 * 1_048_576 }),
    },
    backPressure: {
      httpMaxInFlight: env.int('HTTP_MAX_IN_FLIGHT', { default: DEFAULT_BACK_PRESSURE.httpMaxInFlight, min: 1, max: 100_000, description: 'HTTP requests handled at once; more get 503 + Retry-After' }),
      natsMaxInFlight: env.int('NATS_MAX_REQUESTS_IN_FLIGHT', { default: DEFAULT_BACK_PRESSURE.natsMaxInFlight, min: 1, max: 100_000, description: 'NATS requests handled at once; more get UNAVAILABLE' }),
      retryAfterSec: env.int('RETRY_AFTER_SEC', { default: DEFAULT_BACK_PRESSURE.retryAfterSec, min: 1, max: 300 }),
    },
    logLevel: env.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', { default: 15_000, min: 0, max: 300_000 }),
  };
}

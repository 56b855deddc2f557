import { env } from '@af/config';
import { defaultHttpPorts, type ServiceName } from '@af/contracts';

/** What every service reads: where it listens and how it logs. */
export function serviceConfigSpec(service: ServiceName) {
  return {
    http: {
      host: env.string('HTTP_HOST', { default: '127.0.0.1' }),
      port: env.port('HTTP_PORT', { default: defaultHttpPorts[service] }),
      bodyLimitBytes: env.int('HTTP_BODY_LIMIT_BYTES', { default: 1_048_576, min: 1_024, max: 64 * 1_048_576 }),
    },
    logLevel: env.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', { default: 15_000, min: 0, max: 300_000 }),
  };
}

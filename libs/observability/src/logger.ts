import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { RequestContext } from './context.js';
import { currentSpanId, currentTraceId } from './tracing.js';

export type { Logger };

/**
 * Fields that carry credentials, wherever a log line puts them (a request's headers, an options
 * object, an error's config): pino replaces their values before the line is written.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'token',
  'password',
  'secret',
  'jwtSecret',
  'headers.authorization',
  'headers.cookie',
  '*.authorization',
  '*.cookie',
  '*.token',
  '*.password',
  '*.secret',
  '*.jwtSecret',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * JSON logs on stdout. Every line carries the service, and — inside a request or message —
 * the tenant, correlation id and trace/span ids, so one run can be followed across the mesh.
 */
export function createLogger(service: string, level: string = process.env['LOG_LEVEL'] ?? 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = RequestContext.current();
      const traceId = currentTraceId();
      return {
        ...(ctx?.tenantId ? { tenantId: ctx.tenantId } : {}),
        ...(ctx ? { correlationId: ctx.correlationId } : {}),
        ...(traceId ? { traceId, spanId: currentSpanId() } : {}),
      };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own log lines go through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, ...rest: unknown[]) {
    this.logger.info({ context: rest.at(-1) }, String(message));
  }
  error(message: unknown, ...rest: unknown[]) {
    this.logger.error({ context: rest.at(-1), stack: rest.length > 1 ? rest[0] : undefined }, String(message));
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.logger.warn({ context: rest.at(-1) }, String(message));
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.logger.debug({ context: rest.at(-1) }, String(message));
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.logger.trace({ context: rest.at(-1) }, String(message));
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.logger.fatal({ context: rest.at(-1) }, String(message));
  }
}

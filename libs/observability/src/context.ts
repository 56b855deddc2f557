import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/** Who and what a unit of work belongs to; set at every edge (HTTP request, NATS message). */
export interface RequestContextData {
  tenantId?: string;
  correlationId: string;
  subject?: string;
}

/**
 * The one async-local store of the process: the request context and the OpenTelemetry context
 * live in the same plain object, so an HTTP request enters both with a single `run` (the
 * tracing context manager, `SharedContextManager` in tracing.ts, reads and writes `otel` here).
 */
export interface AsyncScope {
  data: RequestContextData | undefined;
  otel: Context;
}

export const scopeStorage = new AsyncLocalStorage<AsyncScope>();

/** Enters the request context and the OTel context together (one async-local `run`). */
export function runInScope<T>(data: RequestContextData, otel: Context, fn: () => T): T {
  return scopeStorage.run({ data, otel }, fn);
}

/**
 * Correlation ids this process makes up: a random per-process prefix (96 bits, hex) and a
 * counter — unique across processes and within one, without a random draw per request. A
 * client's own `x-correlation-id` is used instead when it sends one.
 */
const prefix = randomBytes(12).toString('hex');
let sequence = 0;

export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return scopeStorage.run({ data, otel: scopeStorage.getStore()?.otel ?? ROOT_CONTEXT }, fn);
  },
  current(): RequestContextData | undefined {
    return scopeStorage.getStore()?.data;
  },
  newCorrelationId(): string {
    return `${prefix}-${(++sequence).toString(36)}`;
  },
};

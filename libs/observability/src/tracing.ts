import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  INVALID_SPAN_CONTEXT,
  TraceFlags,
  ROOT_CONTEXT,
  type Attributes,
  type Context,
  type ContextManager,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { scopeStorage } from './context.js';
import { W3CTraceContextPropagator, isTracingSuppressed } from '@opentelemetry/core';
import { BasicTracerProvider, RandomIdGenerator, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The OTel context manager over the process' one async-local store (context.ts): `active()` and
 * `with()` read and replace the store's `otel` and keep its request context, so a request enters
 * both with one `run`. `bind` (functions, event emitters) is the SDK's, built on `with`.
 */
class SharedContextManager extends AsyncLocalStorageContextManager implements ContextManager {
  override active(): Context {
    return scopeStorage.getStore()?.otel ?? ROOT_CONTEXT;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const cb = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return scopeStorage.run({ data: scopeStorage.getStore()?.data, otel: ctx }, cb, ...args);
  }

  override disable(): this {
    return this;
  }
}

let initialized = false;
/** Whether finished spans go anywhere (a span processor is registered); if not, spans carry ids only. */
let recording = false;

export interface TracingOptions {
  /** Where finished spans go (an OTLP exporter's processor…). None: spans are not recorded, only their ids travel. */
  spanProcessors?: SpanProcessor[];
}

/**
 * Registers a tracer provider, the async-local context manager and the W3C propagator, once per
 * process. Spans get real trace/span ids that travel in `traceparent` across HTTP and NATS; an
 * OTLP exporter plugs in here (`spanProcessors`) when the operations work arrives.
 */
export function initTracing(options: TracingOptions = {}): void {
  if (initialized) return;
  initialized = true;
  const contextManager = new SharedContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const spanProcessors = options.spanProcessors ?? [];
  recording = spanProcessors.length > 0;
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors }));
}

export const tracer = () => trace.getTracer('agent-factory');

const ids = new RandomIdGenerator();

/**
 * Starts a span as a child of `parent`. While no span processor is registered, a recorded span
 * would be built, timed and dropped on every request and message: instead this returns a
 * non-recording span with the same identity the SDK would give it (the parent's trace id or a
 * new one, a new span id, the parent's sampled flag and trace state — as the SDK's default
 * parent-based, always-on sampler decides), so trace ids in headers, logs and `traceparent`
 * are unchanged. With a processor, it is the SDK's span.
 */
export function startSpan(name: string, options: { kind: SpanKind; attributes?: Attributes }, parent: Context): Span {
  if (recording) return tracer().startSpan(name, options, parent);
  if (isTracingSuppressed(parent)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  const parentContext = trace.getSpanContext(parent);
  const valid = parentContext !== undefined && trace.isSpanContextValid(parentContext);
  return trace.wrapSpanContext({
    traceId: valid ? parentContext.traceId : ids.generateTraceId(),
    spanId: ids.generateSpanId(),
    traceFlags: valid ? parentContext.traceFlags & TraceFlags.SAMPLED : TraceFlags.SAMPLED,
    ...(valid && parentContext.traceState ? { traceState: parentContext.traceState } : {}),
  });
}

/** The active trace id, or undefined outside a span. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

export function currentSpanId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().spanId;
}

/** Runs fn inside a new span (child of the active or given context), recording errors. */
export async function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Anything with get/set of string headers (NATS MsgHdrs, a plain record). */
export interface HeaderCarrier {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

const getter: TextMapGetter<HeaderCarrier> = {
  get: (carrier, key) => carrier.get(key) || undefined,
  keys: () => ['traceparent', 'tracestate'],
};
const setter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };

export function injectTraceContext(carrier: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, setter);
}

export function extractTraceContext(carrier: HeaderCarrier): Context {
  return propagation.extract(context.active(), carrier, getter);
}

export { SpanKind };

import {
  context,
  diag,
  DiagLogLevel,
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
import { BasicTracerProvider, BatchSpanProcessor, RandomIdGenerator, type ReadableSpan, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { Logger } from 'pino';
import { tracingConfigFromEnv, type TracingConfig } from './tracing-config.js';

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

/**
 * `service.name` (OpenTelemetry semantic conventions, stable). Spelled here: importing the
 * constant loads the conventions' whole ESM build (~1 MiB of heap in every service) for one string.
 */
const ATTR_SERVICE_NAME = 'service.name';

/** Spans ended while the exporter's module is still loading; past this many, the newest are dropped. */
const MAX_SPANS_BEFORE_EXPORTER = 2_048;

/**
 * A BatchSpanProcessor over the OTLP/protobuf exporter, whose module is imported only when an
 * endpoint is configured (most processes export nothing: the exporter and its protobuf runtime
 * cost ~1.3 MiB of RSS in each). Spans that end while it loads are kept (up to
 * MAX_SPANS_BEFORE_EXPORTER) and handed to it once it is there; flush and shutdown wait for it.
 */
class OtlpExportProcessor implements SpanProcessor {
  private inner: SpanProcessor | undefined;
  private readonly early: ReadableSpan[] = [];
  private readonly loading: Promise<SpanProcessor | undefined>;

  constructor(exporter: NonNullable<TracingConfig['exporter']>) {
    this.loading = import('@opentelemetry/exporter-trace-otlp-proto').then(
      ({ OTLPTraceExporter }) => {
        const inner = new BatchSpanProcessor(new OTLPTraceExporter({ url: exporter.url, headers: exporter.headers, timeoutMillis: exporter.timeoutMillis }));
        for (const span of this.early.splice(0)) inner.onEnd(span);
        this.inner = inner;
        return inner;
      },
      (error: unknown) => {
        this.early.length = 0;
        diag.error(`cannot load the OTLP trace exporter: ${(error as Error).message}`);
        return undefined;
      },
    );
  }

  onStart(span: Parameters<SpanProcessor['onStart']>[0], parent: Context): void {
    this.inner?.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    if (this.inner) this.inner.onEnd(span);
    else if (this.early.length < MAX_SPANS_BEFORE_EXPORTER) this.early.push(span);
  }

  async forceFlush(): Promise<void> {
    await (await this.loading)?.forceFlush();
  }

  async shutdown(): Promise<void> {
    await (await this.loading)?.shutdown();
  }
}

let initialized = false;
/** Whether finished spans go anywhere (a span processor is registered); if not, spans carry ids only. */
let recording = false;
let provider: BasicTracerProvider | undefined;

export interface TracingOptions {
  /**
   * The service whose spans these are: its tracing settings are read from the OTEL_* variables
   * (tracing-config.ts) and, with an OTLP endpoint, spans are batched and exported over HTTP/protobuf.
   */
  service?: string;
  /** The variables to read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the exporter's own failures are logged (warnings and errors); without it they go nowhere. */
  logger?: Logger;
  /** More span processors (tests: an in-memory exporter). Without any, spans are not recorded, only their ids travel. */
  spanProcessors?: SpanProcessor[];
}

/** What initTracing set up: the settings read and whether spans are exported. */
export interface TracingState {
  config?: TracingConfig;
  exporting: boolean;
}

function resourceFor(serviceName: string, env: Readonly<Record<string, string | undefined>>): Resource {
  // OTEL_RESOURCE_ATTRIBUTES (and OTEL_SERVICE_NAME) add to / override the service's own attributes.
  const fromEnv = env === process.env ? detectResources({ detectors: [envDetector] }) : resourceFromAttributes({});
  return defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, 'service.namespace': 'agent-factory' }))
    .merge(fromEnv)
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));
}

function routeDiagnostics(logger: Logger): void {
  const log = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, ...args: unknown[]) => logger[level]({ otel: args.length ? args.map(String) : undefined }, `otel: ${message}`);
  diag.setLogger({ error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), verbose: log('debug') }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

/**
 * Registers a tracer provider, the async-local context manager and the W3C propagator, once per
 * process. Spans get real trace/span ids that travel in `traceparent` across HTTP and NATS. With
 * `service` and an OTLP endpoint in the environment (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), finished spans are batched (BatchSpanProcessor, OTEL_BSP_*)
 * and exported; shutdownTracing() flushes them. Throws TracingConfigError on an unusable OTEL_* value.
 */
export function initTracing(options: TracingOptions = {}): TracingState {
  if (initialized) return { exporting: recording && provider !== undefined };
  const env = options.env ?? process.env;
  const config = options.service === undefined ? undefined : tracingConfigFromEnv(options.service, env);
  initialized = true;
  const contextManager = new SharedContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const spanProcessors = [...(options.spanProcessors ?? [])];
  if (config?.exporter) {
    if (options.logger) routeDiagnostics(options.logger);
    spanProcessors.push(new OtlpExportProcessor(config.exporter));
  }
  recording = spanProcessors.length > 0;
  const sampler: Sampler | undefined = config?.sampler;
  provider = new BasicTracerProvider({
    spanProcessors,
    ...(sampler ? { sampler } : {}),
    ...(config ? { resource: resourceFor(config.serviceName, env) } : {}),
  });
  trace.setGlobalTracerProvider(provider);
  return { ...(config ? { config } : {}), exporting: config?.exporter !== undefined };
}

/** Exports the spans still batched and stops the span processors (graceful shutdown); a no-op when nothing records. */
export async function shutdownTracing(): Promise<void> {
  if (!provider || !recording) return;
  await provider.shutdown();
}

/** Exports the spans batched so far (tests, before reading what a collector received). */
export async function flushTracing(): Promise<void> {
  if (!provider || !recording) return;
  await provider.forceFlush();
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

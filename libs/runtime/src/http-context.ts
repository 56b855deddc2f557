import { context as otelContext, trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind, extractTraceContext, runInScope, startSpan, type Logger, type MetricsRegistry, type RequestContextData } from '@af/observability';

interface HookRequest {
  [STATE]?: RequestState | null;
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}
interface HookReply {
  statusCode: number;
  header(name: string, value: string): void;
}

interface RequestState {
  span: Span;
  data: RequestContextData;
  startedAt: number;
}

/**
 * The request's own state, in a property Fastify declares on every request (`decorateRequest`):
 * cheaper than a WeakMap keyed by short-lived requests, which the garbage collector pays for.
 */
const STATE = 'afHttpContext';

/** Probes and scrapes are not worth a log line each. */
const QUIET = /^\/(health|metrics)(\/|$)/;

/** A request's headers as a trace-context carrier (read only). */
class RequestHeaders {
  constructor(private readonly headers: HookRequest['headers']) {}
  get(key: string): string | undefined {
    const v = this.headers[key];
    return Array.isArray(v) ? v[0] : v;
  }
  set(): void {}
}

/**
 * Every HTTP request runs inside a request context (correlation id = request id, tenant filled
 * in by auth) and a server span continuing an incoming W3C `traceparent`. The response carries
 * `x-correlation-id` and `x-trace-id` so a caller can find the request in the logs. When the
 * response is finished, the request is counted and timed by route template
 * (`af_http_requests_total`, `af_http_request_duration_seconds`) — in a Fastify hook rather than
 * a Nest interceptor, which would wrap every handler in an rxjs pipeline — and logged.
 */
export function installHttpContext(app: NestFastifyApplication, logger: Logger, metrics: MetricsRegistry): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest(STATE, null);
  fastify.addHook('onRequest', (req: HookRequest, reply: HookReply, done: () => void) => {
    // Without a traceparent there is nothing to continue: skip the propagator.
    const active = otelContext.active();
    const parent = req.headers['traceparent'] === undefined ? active : extractTraceContext(new RequestHeaders(req.headers));
    const span = startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.method': req.method, 'http.target': req.url } }, parent);
    reply.header('x-correlation-id', req.id);
    reply.header('x-trace-id', span.spanContext().traceId);
    const data: RequestContextData = { correlationId: req.id };
    req[STATE] = { span, data, startedAt: performance.now() };
    // One async-local run enters both the request context and the trace context.
    runInScope(data, trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', (req: HookRequest, reply: HookReply, done: () => void) => {
    const state = req[STATE];
    if (state) {
      const { span, data, startedAt } = state;
      const ms = performance.now() - startedAt;
      const route = req.routeOptions?.url;
      metrics.observeHttpRequest(req.method, route ?? 'unknown', reply.statusCode, ms / 1000);
      if (span.isRecording()) {
        span.setAttribute('http.status_code', reply.statusCode);
        if (route) span.updateName(`HTTP ${req.method} ${route}`);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      if (logger.isLevelEnabled('info') && !QUIET.test(req.url)) {
        // onResponse runs outside the request's async context: stamp the ids explicitly.
        const ids = span.spanContext();
        logger.info(
          {
            method: req.method,
            route,
            status: reply.statusCode,
            ms: Math.round(ms),
            correlationId: data.correlationId,
            ...(data.tenantId ? { tenantId: data.tenantId } : {}),
            traceId: ids.traceId,
            spanId: ids.spanId,
          },
          'request completed',
        );
      }
    }
    done();
  });
}

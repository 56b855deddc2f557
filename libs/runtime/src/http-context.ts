import { context as otelContext, trace, SpanStatusCode } from '@opentelemetry/api';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequestContext, SpanKind, extractTraceContext, tracer, type Logger, type RequestContextData } from '@af/observability';

interface HookRequest {
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

const spans = new WeakMap<object, ReturnType<ReturnType<typeof tracer>['startSpan']>>();
const contexts = new WeakMap<object, { data: RequestContextData; startedAt: number }>();

/** Probes and scrapes are not worth a log line each. */
const QUIET = /^\/(health|metrics)(\/|$)/;

/**
 * Every HTTP request runs inside a request context (correlation id = request id, tenant filled
 * in by auth) and a server span continuing an incoming W3C `traceparent`. The response carries
 * `x-correlation-id` and `x-trace-id` so a caller can find the request in the logs.
 */
export function installHttpContext(app: NestFastifyApplication, logger: Logger): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req: HookRequest, reply: HookReply, done: () => void) => {
    const parent = extractTraceContext({
      get: (k) => {
        const v = req.headers[k];
        return Array.isArray(v) ? v[0] : v;
      },
      set: () => undefined,
    });
    const span = tracer().startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.method': req.method, 'http.target': req.url } }, parent);
    spans.set(req, span);
    reply.header('x-correlation-id', req.id);
    reply.header('x-trace-id', span.spanContext().traceId);
    const data: RequestContextData = { correlationId: req.id };
    contexts.set(req, { data, startedAt: performance.now() });
    otelContext.with(trace.setSpan(parent, span), () => RequestContext.run(data, done));
  });
  fastify.addHook('onResponse', (req: HookRequest, reply: HookReply, done: () => void) => {
    const span = spans.get(req);
    if (span) {
      span.setAttribute('http.status_code', reply.statusCode);
      if (req.routeOptions?.url) span.updateName(`HTTP ${req.method} ${req.routeOptions.url}`);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const ctx = contexts.get(req);
      if (ctx && !QUIET.test(req.url)) {
        // onResponse runs outside the request's async context: stamp the ids explicitly.
        logger.info(
          {
            method: req.method,
            route: req.routeOptions?.url,
            status: reply.statusCode,
            ms: Math.round(performance.now() - ctx.startedAt),
            correlationId: ctx.data.correlationId,
            ...(ctx.data.tenantId ? { tenantId: ctx.data.tenantId } : {}),
            traceId: span.spanContext().traceId,
            spanId: span.spanContext().spanId,
          },
          'request completed',
        );
      }
    }
    done();
  });
}

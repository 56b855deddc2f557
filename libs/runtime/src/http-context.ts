import { context as otelContext, trace, SpanStatusCode } from '@opentelemetry/api';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequestContext, SpanKind, extractTraceContext, tracer } from '@af/observability';

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

/**
 * Every HTTP request runs inside a request context (correlation id = request id, tenant filled
 * in by auth) and a server span continuing an incoming W3C `traceparent`. The response carries
 * `x-correlation-id` and `x-trace-id` so a caller can find the request in the logs.
 */
export function installHttpContext(app: NestFastifyApplication): void {
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
    otelContext.with(trace.setSpan(parent, span), () => RequestContext.run({ correlationId: req.id }, done));
  });
  fastify.addHook('onResponse', (req: HookRequest, reply: HookReply, done: () => void) => {
    const span = spans.get(req);
    if (span) {
      span.setAttribute('http.status_code', reply.statusCode);
      if (req.routeOptions?.url) span.updateName(`HTTP ${req.method} ${req.routeOptions.url}`);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

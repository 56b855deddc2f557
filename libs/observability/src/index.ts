export { RequestContext, runInScope, type RequestContextData } from './context.js';
export {
  initTracing,
  shutdownTracing,
  flushTracing,
  tracer,
  startSpan,
  currentTraceId,
  currentSpanId,
  withSpan,
  injectTraceContext,
  extractTraceContext,
  SpanKind,
  type HeaderCarrier,
  type TracingOptions,
  type TracingState,
} from './tracing.js';
export { tracingConfigFromEnv, TracingConfigError, MAX_EXPORT_TIMEOUT_MS, type TracingConfig } from './tracing-config.js';
export { createLogger, NestPinoLogger, REDACTED_PATHS, type Logger } from './logger.js';
export { MetricsRegistry } from './metrics.js';
export { HealthService, HealthController, ReadinessProbe, type ReadinessCheck, type ProbeResult } from './health.js';
export { MetricsController } from './metrics.controller.js';
export { ObservabilityModule, LOGGER, type ObservabilityOptions } from './observability.module.js';
export { Public, PUBLIC_ROUTE, FASTIFY_ROUTE_CONFIG, isPublicRouteConfig } from './public-route.js';

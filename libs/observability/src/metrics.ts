import { collectDefaultMetrics, Counter, Histogram, Registry, Gauge } from 'prom-client';

interface HttpRouteHandles {
  duration: Histogram.Internal<'method' | 'route'>;
  /** By status code. */
  requests: Map<number, Counter.Internal>;
}

/**
 * The service's own Prometheus registry: Node defaults plus the metrics every service shares.
 * Services add their own through {@link MetricsRegistry.counter}/histogram/gauge.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly messagesHandled: Counter<'subject' | 'outcome'>;
  readonly messageDuration: Histogram<'subject'>;
  /**
   * Label handles (`labels()`) by route template, then method (then status): prom-client hashes the
   * labels on every un-cached call, and a key built by string concatenation per request costs
   * an allocation the nested lookup does not.
   */
  private readonly httpHandles = new Map<string, Map<string, HttpRouteHandles>>();

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'af_' });
    this.httpRequests = this.counter('af_http_requests_total', 'HTTP requests served', ['method', 'route', 'status']);
    this.httpDuration = this.histogram('af_http_request_duration_seconds', 'HTTP request duration', ['method', 'route']);
    this.messagesHandled = this.counter('af_messages_handled_total', 'NATS messages handled, by outcome', ['subject', 'outcome']);
    this.messageDuration = this.histogram('af_message_handle_duration_seconds', 'NATS message handling duration', ['subject']);
  }

  /**
   * Records one served HTTP request in `af_http_requests_total` {method, route, status} and
   * `af_http_request_duration_seconds` {method, route}. `route` is the route template (bounded
   * cardinality), never the raw URL.
   */
  observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.httpHandles.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.httpHandles.set(route, byMethod);
    }
    let handles = byMethod.get(method);
    if (handles === undefined) {
      handles = { duration: this.httpDuration.labels({ method, route }), requests: new Map() };
      byMethod.set(method, handles);
    }
    handles.duration.observe(seconds);
    let requests = handles.requests.get(status);
    if (requests === undefined) {
      requests = this.httpRequests.labels({ method, route, status: String(status) });
      handles.requests.set(status, requests);
    }
    requests.inc();
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) });
  }

  /** `collect`, if given, sets the gauge when it is scraped (instead of on every change). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: Gauge<L>) => void): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

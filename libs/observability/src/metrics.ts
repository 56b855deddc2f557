import { collectDefaultMetrics, Counter, Histogram, Registry, Gauge } from 'prom-client';

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
  /** Label handles (`labels()`) per method/route[/status]: prom-client hashes the labels on every un-cached call. */
  private readonly httpDurationHandles = new Map<string, Histogram.Internal<'method' | 'route'>>();
  private readonly httpRequestHandles = new Map<string, Counter.Internal>();

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
    const key = `${method} ${route}`;
    let duration = this.httpDurationHandles.get(key);
    if (duration === undefined) {
      duration = this.httpDuration.labels({ method, route });
      this.httpDurationHandles.set(key, duration);
    }
    duration.observe(seconds);
    const statusKey = `${key} ${status}`;
    let requests = this.httpRequestHandles.get(statusKey);
    if (requests === undefined) {
      requests = this.httpRequests.labels({ method, route, status: String(status) });
      this.httpRequestHandles.set(statusKey, requests);
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

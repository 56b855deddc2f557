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

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'af_' });
    this.httpRequests = this.counter('af_http_requests_total', 'HTTP requests served', ['method', 'route', 'status']);
    this.httpDuration = this.histogram('af_http_request_duration_seconds', 'HTTP request duration', ['method', 'route']);
    this.messagesHandled = this.counter('af_messages_handled_total', 'NATS messages handled, by outcome', ['subject', 'outcome']);
    this.messageDuration = this.histogram('af_message_handle_duration_seconds', 'NATS message handling duration', ['subject']);
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

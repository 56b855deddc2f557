import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { AppError, ErrorCode } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { backoffMs, signatureHeader } from './signature.js';
import { checkTarget, systemResolver, TargetRefused, type Resolver } from './target-guard.js';
import { WebhookRepository, type AttemptResult, type ClaimedDelivery } from './webhook.repository.js';
import { secretNameOf } from './webhook.service.js';
import { WEBHOOKS_OPTIONS, type WebhooksOptions } from './webhooks.options.js';

/** How much of a receiver's answer is read (then the connection is dropped): only the status matters. */
export const MAX_RESPONSE_BYTES = 16 * 1024;
const SECRET_CACHE_MS = 60_000;
const MAX_ERROR_CHARS = 500;
const USER_AGENT = 'AgentFactory-Webhooks/1';

interface Answer {
  status: number;
  error: string;
}

/**
 * Sends due deliveries every WEBHOOKS_DISPATCH_INTERVAL_MS: claims a bounded batch across tenants
 * (SKIP LOCKED, leased), POSTs each signed body with bounded concurrency, and records the attempt:
 * 2xx → delivered; otherwise retried after base · 2^(n-1) (capped) until WEBHOOKS_MAX_ATTEMPTS,
 * then failed. Redirects are not followed; the answer's body is read up to a cap.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly task: PeriodicTask;
  /** Tests replace it to point a public name at a local address. */
  resolver: Resolver = systemResolver;
  private readonly secrets = new Map<string, { value: string; until: number }>();
  private readonly outcomes: Counter<'outcome'>;
  private readonly attempts: Counter<'result'>;
  private readonly latency: Histogram<'result'>;

  constructor(
    private readonly repository: WebhookRepository,
    private readonly bus: MessageBus,
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.task = new PeriodicTask('webhook dispatch', options.dispatchIntervalMs, () => this.dispatch(), logger);
    this.outcomes = metrics.counter('af_webhook_deliveries_total', 'Deliveries that reached a final status, by outcome (delivered | failed)', ['outcome']);
    this.attempts = metrics.counter('af_webhook_delivery_attempts_total', 'Delivery attempts, by result (2xx | 3xx | 4xx | 5xx | transport | refused | secret)', ['result']);
    this.latency = metrics.histogram('af_webhook_delivery_duration_seconds', 'Time of one delivery attempt (request to answer), by result', ['result'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass: claims and sends batches until none is full (the clock calls it; tests too). Returns how many attempts were made. */
  async dispatch(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.repository.claimDue(this.options.batchSize, this.options.timeoutMs + 30_000);
      let next = 0;
      const lane = async () => {
        while (next < claimed.length) await this.deliver(claimed[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, claimed.length) }, lane));
      total += claimed.length;
      if (claimed.length < this.options.batchSize) return total;
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const started = performance.now();
    let answer: Answer;
    let result: string;
    if (d.webhookDeleted) {
      answer = { status: 0, error: 'the webhook was deleted' };
      result = 'refused';
    } else {
      try {
        const secret = await this.secretOf(d);
        const body = JSON.stringify(d.payload);
        answer = await this.post(new URL(d.url), body, {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-af-event-id': d.eventId,
          'x-af-event-type': d.eventType,
          'x-af-delivery-id': d.id,
          'x-af-signature': signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
        });
        result = answer.status === 0 ? 'transport' : `${Math.floor(answer.status / 100)}xx`;
      } catch (error) {
        answer = { status: 0, error: errorText(error) };
        result = error instanceof TargetRefused ? 'refused' : error instanceof SecretUnavailable ? 'secret' : 'transport';
      }
    }
    const durationMs = performance.now() - started;
    this.attempts.inc({ result });
    this.latency.observe({ result }, durationMs / 1000);
    const ok = answer.status >= 200 && answer.status < 300;
    const attempt = d.attempt + 1;
    const final = ok || d.webhookDeleted || attempt >= this.options.maxAttempts;
    const record: AttemptResult = {
      status: ok ? 'delivered' : final ? 'failed' : 'retrying',
      responseStatus: answer.status,
      error: ok ? '' : answer.error.slice(0, MAX_ERROR_CHARS),
      durationMs,
      nextAttemptAt: final ? null : new Date(Date.now() + backoffMs(attempt, this.options.retryBaseMs, this.options.retryMaxMs)),
    };
    if (await this.repository.recordAttempt(d.tenantId, d.id, d.attempt, record)) {
      if (final) this.outcomes.inc({ outcome: record.status });
      if (!ok) this.logger.info({ deliveryId: d.id, webhookId: d.webhookId, eventType: d.eventType, attempt, status: answer.status, error: record.error, final }, 'webhook delivery attempt failed');
    }
  }

  /** The webhook's signing secret from the secrets service, cached for a minute. */
  private async secretOf(d: ClaimedDelivery): Promise<string> {
    const key = `${d.tenantId}/${d.webhookId}`;
    const cached = this.secrets.get(key);
    if (cached && cached.until > Date.now()) return cached.value;
    let value: string;
    try {
      const reply = await this.bus.request('af.v1.secrets.resolve', { names: [secretNameOf(d.webhookId)], runId: '', stepId: `webhook:${d.webhookId}` }, { tenantId: d.tenantId });
      value = reply.items[0]?.value ?? '';
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NotFound) throw new SecretUnavailable('the signing secret is missing (secret "webhook.<id>" not found)');
      throw new SecretUnavailable(`the signing secret could not be resolved: ${error instanceof AppError ? error.code : 'error'}`);
    }
    if (!value) throw new SecretUnavailable('the signing secret is empty');
    if (this.secrets.size > 10_000) this.secrets.clear();
    this.secrets.set(key, { value, until: Date.now() + SECRET_CACHE_MS });
    return value;
  }

  /** One POST to the checked address (no second DNS resolution), no redirects, bounded in time and answer size. */
  private async post(url: URL, body: string, headers: Record<string, string>): Promise<Answer> {
    const pinned = await checkTarget(url, this.options.allowHosts, this.resolver);
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const req = transport.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body, 'utf8')) }, lookup, signal, agent: false }, (res) => {
        const status = res.statusCode ?? 0;
        let size = 0;
        const done = () => resolve({ status, error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : status >= 300 ? `HTTP ${status}` : '' });
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            done();
          }
        });
        res.on('error', () => done());
        res.on('end', done);
      });
      req.on('error', (error) => resolve({ status: 0, error: signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : `request failed: ${errorText(error)}` }));
      req.end(body);
    });
  }
}

class SecretUnavailable extends Error {
  override readonly name = 'SecretUnavailable';
}

function errorText(error: unknown): string {
  if (error instanceof TargetRefused) return `target refused: ${error.message}`;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ? `${(error as NodeJS.ErrnoException).code}: ${error.message}` : error.message;
  return String(error);
}

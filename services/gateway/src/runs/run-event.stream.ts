import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import type { Principal } from '../auth/principal.js';
import { RunsApi } from './runs.api.js';
import { SseWriter } from './sse-writer.js';

export const RUN_EVENT_STREAM_OPTIONS = Symbol.for('af.gateway.run-event-stream.options');

export interface RunEventStreamOptions {
  /** How often an open stream asks the orchestrator for new transitions. */
  pollIntervalMs: number;
  /** A stream ends after this long even if the run is not final (the client reconnects with Last-Event-ID). */
  maxDurationMs: number;
  /** Open streams per tenant; past it: 503 UNAVAILABLE with Retry-After. */
  maxStreamsPerTenant: number;
  /** Model tokens one stream holds while its client lags; past it they are dropped (one `event: token_dropped` says how many). */
  maxBufferedTokens: number;
}

export const DEFAULT_RUN_EVENT_STREAM_OPTIONS: RunEventStreamOptions = { pollIntervalMs: 250, maxDurationMs: 5 * 60_000, maxStreamsPerTenant: 20, maxBufferedTokens: 1_000 };

/** A run id that can be a NATS subject token; no run with another id streams tokens. */
const TOKEN_SUFFIX = /^[A-Za-z0-9_-]{1,128}$/;

/** The parts of Fastify's request and reply a stream needs. */
export interface StreamRequest {
  raw: IncomingMessage;
  headers: Record<string, string | string[] | undefined>;
}
export interface StreamReply {
  hijack(): void;
  raw: ServerResponse;
  getHeaders(): Record<string, number | string | string[] | undefined>;
}

/**
 * `GET /v1/runs/{id}/events` as Server-Sent Events: one `event: transition` per stored transition
 * (id = its seq), polling the orchestrator with after_seq, and a final `event: end` once the run is
 * final (or the stream's time is up). The connection closing stops the polling at once.
 * Between them, `event: token` (no id: Last-Event-ID stays a transition seq) forwards the model's
 * text deltas the worker signals on `af.v1.runs.tokens.<runId>` (this tenant's only) while the
 * stream is open; a lagging client loses tokens beyond `maxBufferedTokens`, never transitions.
 */
@Injectable()
export class RunEventStream {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly runs: RunsApi,
    private readonly bus: MessageBus,
    @Inject(RUN_EVENT_STREAM_OPTIONS) private readonly options: RunEventStreamOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Streams currently open for a tenant. */
  openFor(tenantId: string): number {
    return this.open.get(tenantId) ?? 0;
  }

  async stream(principal: Principal, runId: string, request: StreamRequest, reply: StreamReply): Promise<void> {
    const tenant = principal.tenantId;
    if (this.openFor(tenant) >= this.options.maxStreamsPerTenant) {
      throw new AppError(ErrorCode.Unavailable, `too many open event streams for this tenant (${this.options.maxStreamsPerTenant}); close one or poll GET /v1/runs/${runId}/events`);
    }
    const lastEventId = Number(request.headers['last-event-id']);
    let afterSeq = Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;
    const res = reply.raw;
    const writer = new SseWriter(res, this.options.maxBufferedTokens);
    const closed = new AbortController();
    // Listening starts before the first page is asked for: no token falls between the two.
    const stopTokens = TOKEN_SUFFIX.test(runId)
      ? this.bus.listen('af.v1.runs.tokens', runId, tenant, (t) => writer.sendDroppable('token', { stepId: t.stepId, route: t.route, index: t.index, text: t.text }), closed.signal)
      : () => undefined;
    let page: Awaited<ReturnType<RunsApi['events']>>;
    try {
      // The first page before any byte is sent: an unknown run is a plain 404.
      page = await this.runs.events(runId, afterSeq);
    } catch (error) {
      stopTokens();
      throw error;
    }

    this.open.set(tenant, this.openFor(tenant) + 1);
    res.on('close', () => closed.abort());
    reply.hijack();
    res.writeHead(200, { ...reply.getHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const deadline = Date.now() + this.options.maxDurationMs;
    // The history so far first, then the tokens that came while it was fetched.
    writer.start(page.items.map((item) => ({ event: 'transition', data: item, id: item.seq })));
    afterSeq = page.items.at(-1)?.seq ?? afterSeq;
    try {
      for (;;) {
        if (page.final || closed.signal.aborted || Date.now() >= deadline) break;
        await sleep(this.options.pollIntervalMs, undefined, { signal: closed.signal });
        page = await this.runs.events(runId, afterSeq);
        for (const item of page.items) {
          writer.send('transition', item, item.seq);
          afterSeq = item.seq;
        }
      }
      stopTokens();
      if (!closed.signal.aborted) writer.send('end', { runId, status: page.status, final: page.final });
    } catch (error) {
      stopTokens();
      if (!closed.signal.aborted) {
        const e = toAppError(error);
        this.logger.warn({ err: error, runId }, 'run event stream ended by an error');
        writer.send('error', { code: e.code, message: e.message });
      }
    } finally {
      stopTokens();
      this.open.set(tenant, this.openFor(tenant) - 1);
      if (this.openFor(tenant) <= 0) this.open.delete(tenant);
      if (!closed.signal.aborted) writer.finish();
      res.end();
    }
  }
}

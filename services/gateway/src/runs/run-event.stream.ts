import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { LOGGER, type Logger } from '@af/observability';
import type { Principal } from '../auth/principal.js';
import { RunsApi } from './runs.api.js';

export const RUN_EVENT_STREAM_OPTIONS = Symbol.for('af.gateway.run-event-stream.options');

export interface RunEventStreamOptions {
  /** How often an open stream asks the orchestrator for new transitions. */
  pollIntervalMs: number;
  /** A stream ends after this long even if the run is not final (the client reconnects with Last-Event-ID). */
  maxDurationMs: number;
  /** Open streams per tenant; past it: 503 UNAVAILABLE with Retry-After. */
  maxStreamsPerTenant: number;
}

export const DEFAULT_RUN_EVENT_STREAM_OPTIONS: RunEventStreamOptions = { pollIntervalMs: 250, maxDurationMs: 5 * 60_000, maxStreamsPerTenant: 20 };

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
 */
@Injectable()
export class RunEventStream {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly runs: RunsApi,
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
    // The first page before any byte is sent: an unknown run is a plain 404.
    let page = await this.runs.events(runId, afterSeq);

    this.open.set(tenant, this.openFor(tenant) + 1);
    const closed = new AbortController();
    const res = reply.raw;
    res.on('close', () => closed.abort());
    reply.hijack();
    res.writeHead(200, { ...reply.getHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const deadline = Date.now() + this.options.maxDurationMs;
    try {
      for (;;) {
        for (const item of page.items) {
          res.write(`id: ${item.seq}\nevent: transition\ndata: ${JSON.stringify(item)}\n\n`);
          afterSeq = item.seq;
        }
        if (page.final || closed.signal.aborted || Date.now() >= deadline) break;
        await sleep(this.options.pollIntervalMs, undefined, { signal: closed.signal });
        page = await this.runs.events(runId, afterSeq);
      }
      if (!closed.signal.aborted) res.write(`event: end\ndata: ${JSON.stringify({ runId, status: page.status, final: page.final })}\n\n`);
    } catch (error) {
      if (!closed.signal.aborted) {
        const e = toAppError(error);
        this.logger.warn({ err: error, runId }, 'run event stream ended by an error');
        res.write(`event: error\ndata: ${JSON.stringify({ code: e.code, message: e.message })}\n\n`);
      }
    } finally {
      this.open.set(tenant, this.openFor(tenant) - 1);
      if (this.openFor(tenant) <= 0) this.open.delete(tenant);
      res.end();
    }
  }
}

import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import { lastValueFrom, isObservable } from 'rxjs';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  ErrorReplySchema,
  eventSubjects,
  Headers,
  consumersOwnedBy,
  isEventSubject,
  isRequestSubject,
  queueGroupOf,
  requestSubjects,
  type ConsumerDefinition,
  type ServiceName,
} from '@af/contracts';
import { AppError, ErrorCode, dispositionOf, toAppError } from '@af/errors';
import { RequestContext, SpanKind, extractTraceContext, withSpan, type Logger, type MetricsRegistry } from '@af/observability';
import { context as otelContext } from '@opentelemetry/api';
import { decode, encode } from './codec.js';
import { MessageContext } from './message-context.js';
import { processNamespace } from './namespace.js';
import { assertFits, maxBodyBytes, utf8Prefix } from './payload-limit.js';
import { SlotConsumer, heartbeatIntervalFor } from './slot-consumer.js';

export interface JetStreamServerOptions {
  service: ServiceName;
  connection: NatsConnection;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Request/reply handlers running at once; a request over it is answered UNAVAILABLE at once (back-pressure). */
  maxRequestsInFlight?: number;
}

/**
 * A Nest transport over NATS: `@MessagePattern<string>(subject)` methods answer request/reply
 * in the service's queue group; `@EventPattern<string>(subject)` methods consume the durable
 * JetStream consumers the service owns (see @af/contracts `consumers`). Success acks; a thrown
 * AppError is mapped to nak-with-delay or term by its code.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];
  private readonly consuming: SlotConsumer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private requestsInFlight = 0;

  constructor(private readonly opts: JetStreamServerOptions) {
    super();
  }

  on(): never {
    throw new Error('JetStreamServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.opts.connection as T;
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      this.verifyHandlers();
      this.serveRequests();
      for (const consumer of consumersOwnedBy(this.opts.service)) await this.consume(consumer);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking work, lets handlers in flight finish (their acks go out), then returns. */
  async close(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    await Promise.all(this.consuming.map((c) => c.stop().catch(() => undefined)));
    await Promise.allSettled([...this.inFlight]);
  }

  private verifyHandlers(): void {
    const service = this.opts.service;
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) {
        if (!isEventSubject(pattern)) throw new Error(`@EventPattern('${pattern}') is not an event subject of @af/contracts`);
        const covered = consumersOwnedBy(service).some((c) => (c.subjects as readonly string[]).includes(pattern));
        if (!covered && eventSubjects[pattern].stream !== null) {
          throw new Error(`@EventPattern('${pattern}') in ${service}: no durable consumer owned by ${service} delivers it`);
        }
      } else if (!isRequestSubject(pattern)) {
        throw new Error(`@MessagePattern('${pattern}') is not a request subject of @af/contracts`);
      } else if (requestSubjects[pattern].owner !== service) {
        throw new Error(`@MessagePattern('${pattern}') belongs to ${requestSubjects[pattern].owner}, not ${service}`);
      }
    }
    for (const consumer of consumersOwnedBy(service)) {
      for (const subject of consumer.subjects) {
        if (!this.messageHandlers.get(subject)?.isEventHandler) throw new Error(`${service} owns consumer ${consumer.durable} but has no @EventPattern('${subject}')`);
      }
    }
  }

  private serveRequests(): void {
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) {
        if (isEventSubject(pattern) && eventSubjects[pattern].stream === null) {
          const sub = this.opts.connection.subscribe(processNamespace().subject(pattern), {
            callback: (err, msg) => {
              if (!err) this.track(this.handleCoreEvent(pattern, msg));
            },
          });
          this.subscriptions.push(sub);
        }
        continue;
      }
      const sub = this.opts.connection.subscribe(processNamespace().subject(pattern), {
        queue: queueGroupOf(this.opts.service),
        callback: (err, msg) => {
          if (err) {
            this.opts.logger.error({ err, subject: pattern }, 'subscription error');
            return;
          }
          if (this.requestsInFlight >= (this.opts.maxRequestsInFlight ?? Number.POSITIVE_INFINITY)) {
            this.shed(pattern, msg);
            return;
          }
          this.requestsInFlight++;
          this.track(this.answerRequest(pattern, msg).finally(() => this.requestsInFlight--));
        },
      });
      this.subscriptions.push(sub);
    }
  }

  private async consume(def: ConsumerDefinition): Promise<void> {
    const js = jetstream(this.opts.connection);
    const consumer = await js.consumers.get(processNamespace().streamName(def.stream), def.durable);
    // The server's AckWait (not the contract's): heartbeats must beat whatever the consumer is set to.
    const ackWaitMs = ((await consumer.info(true)).config.ack_wait ?? 30_000_000_000) / 1e6;
    const heartbeatMs = heartbeatIntervalFor(ackWaitMs);
    const slots = new SlotConsumer(
      consumer,
      { concurrency: def.concurrency, heartbeatMs, onPullError: (error) => this.opts.logger.warn({ err: error, consumer: def.durable }, 'pull failed; pulling again') },
      (msg) => {
        const work = this.handleJetStream(msg);
        this.track(work);
        return work;
      },
    );
    this.consuming.push(slots);
    slots.start();
    this.opts.logger.info({ consumer: def.durable, stream: def.stream, concurrency: def.concurrency, heartbeatMs }, 'consuming');
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answerRequest(subject: string, msg: Msg): Promise<void> {
    if (!isRequestSubject(subject)) return;
    const def = requestSubjects[subject];
    const stop = this.opts.metrics.messageDuration.startTimer({ subject });
    await this.withMessageScope(subject, msg.headers, 1, 0, SpanKind.SERVER, async (ctx) => {
      try {
        const payload = decode(def.request, msg.data);
        const result = await this.invoke(subject, payload, ctx);
        const reply = encode(def.response as DescMessage, (result ?? {}) as MessageInitShape<DescMessage>);
        assertFits(this.opts.connection, `the reply on ${subject}`, reply);
        msg.respond(reply, { headers: statusHeaders('ok') });
        this.opts.metrics.messagesHandled.inc({ subject, outcome: 'ok' });
      } catch (error) {
        const appError = toAppError(error);
        this.logFailure(subject, appError, error);
        msg.respond(this.errorReply(appError), { headers: statusHeaders('error') });
        this.opts.metrics.messagesHandled.inc({ subject, outcome: appError.code });
      } finally {
        stop();
      }
    });
  }

  /** Over the in-flight bound: an immediate UNAVAILABLE reply (the gateway answers 503 + Retry-After). */
  private shed(subject: string, msg: Msg): void {
    const message = `${this.opts.service} is busy (${this.opts.maxRequestsInFlight} requests in flight); retry later`;
    msg.respond(encode(ErrorReplySchema, { code: ErrorCode.Unavailable, message, detailsJson: '' }), { headers: statusHeaders('error') });
    this.opts.metrics.messagesHandled.inc({ subject, outcome: 'shed' });
  }

  private async handleCoreEvent(subject: string, msg: Msg): Promise<void> {
    if (!isEventSubject(subject)) return;
    await this.withMessageScope(subject, msg.headers, 1, 0, SpanKind.CONSUMER, async (ctx) => {
      try {
        await this.invoke(subject, decode(eventSubjects[subject].event, msg.data), ctx);
        this.opts.metrics.messagesHandled.inc({ subject, outcome: 'ok' });
      } catch (error) {
        const appError = toAppError(error);
        this.logFailure(subject, appError, error);
        this.opts.metrics.messagesHandled.inc({ subject, outcome: appError.code });
      }
    });
  }

  private async handleJetStream(msg: JsMsg): Promise<void> {
    const subject = processNamespace().strip(msg.subject);
    const stop = this.opts.metrics.messageDuration.startTimer({ subject });
    await this.withMessageScope(subject, msg.headers, msg.info.deliveryCount, msg.seq, SpanKind.CONSUMER, async (ctx) => {
      try {
        if (!isEventSubject(subject)) throw new AppError(ErrorCode.InvalidArgument, `no contract for subject ${subject}`);
        const payload = decode(eventSubjects[subject].event, msg.data);
        // In-progress heartbeats run from receipt to ack/nak/term (see SlotConsumer).
        await this.invoke(subject, payload, ctx);
        msg.ack();
        this.opts.metrics.messagesHandled.inc({ subject, outcome: 'ack' });
      } catch (error) {
        const appError = toAppError(error);
        const disposition = dispositionOf(appError.code, msg.info.deliveryCount);
        this.logFailure(subject, appError, error, { disposition, deliveryCount: msg.info.deliveryCount });
        switch (disposition.kind) {
          case 'ack':
            msg.ack();
            break;
          case 'nak':
            msg.nak(disposition.delayMs);
            break;
          case 'term':
            // Plain term: nats-server 2.9 redelivers a message termed with a reason like a nak.
            msg.term();
            break;
        }
        this.opts.metrics.messagesHandled.inc({ subject, outcome: disposition.kind });
      } finally {
        stop();
      }
    });
  }

  private async invoke(subject: string, payload: unknown, ctx: MessageContext): Promise<unknown> {
    const handler = this.getHandlerByPattern(subject);
    if (!handler) throw new AppError(ErrorCode.Unavailable, `no handler for ${subject}`);
    const result: unknown = await handler(payload, ctx);
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  private withMessageScope(
    subject: string,
    hdrs: MsgHdrs | undefined,
    deliveryCount: number,
    streamSequence: number,
    kind: SpanKind,
    fn: (ctx: MessageContext) => Promise<void>,
  ): Promise<void> {
    const correlationId = hdrs?.get(Headers.correlationId) || RequestContext.newCorrelationId();
    const tenantId = hdrs?.get(Headers.tenantId) || undefined;
    const parent = extractTraceContext({ get: (k) => hdrs?.get(k) || undefined, set: () => undefined });
    const ctx = new MessageContext([{ subject, headers: hdrs, correlationId, deliveryCount, streamSequence }]);
    return otelContext.with(parent, () =>
      RequestContext.run({ correlationId, subject, ...(tenantId ? { tenantId } : {}) }, () =>
        withSpan(`process ${subject}`, { kind, attributes: { 'messaging.destination': subject, 'messaging.delivery_count': deliveryCount } }, () => fn(ctx)),
      ),
    );
  }

  /** An ErrorReply that always fits in one message: the message is cut and details dropped when too large. */
  private errorReply(appError: AppError): Uint8Array {
    const path = appError.path === undefined ? {} : { path: appError.path };
    const message = utf8Prefix(appError.message, ERROR_MESSAGE_MAX_BYTES);
    const full = encode(ErrorReplySchema, {
      code: appError.code,
      message,
      ...path,
      detailsJson: appError.details === undefined ? '' : JSON.stringify(appError.details),
    });
    if (full.byteLength <= maxBodyBytes(this.opts.connection)) return full;
    return encode(ErrorReplySchema, { code: appError.code, message, ...path, detailsJson: JSON.stringify({ truncated: true }) });
  }

  private logFailure(subject: string, appError: AppError, original: unknown, extra: Record<string, unknown> = {}): void {
    const level = appError.code === ErrorCode.Internal ? 'error' : 'warn';
    this.opts.logger[level]({ subject, code: appError.code, path: appError.path, err: appError.code === ErrorCode.Internal ? original : undefined, ...extra }, appError.message);
  }
}

function statusHeaders(status: 'ok' | 'error'): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.status, status);
  return h;
}

/** Longest error message sent in a reply (16 KiB); longer ones are cut. */
const ERROR_MESSAGE_MAX_BYTES = 16_384;

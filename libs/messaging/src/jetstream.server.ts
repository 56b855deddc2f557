import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import { lastValueFrom, isObservable } from 'rxjs';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  DeadLetterRecordedSchema,
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
import { atTurnEnd } from './turn-batch.js';
import { SlotConsumer, handBackSignalOf, heartbeatIntervalFor } from './slot-consumer.js';

export interface JetStreamServerOptions {
  service: ServiceName;
  connection: NatsConnection;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Request/reply handlers running at once; a request over it is answered UNAVAILABLE at once (back-pressure). */
  maxRequestsInFlight?: number;
  /** Messages each durable consumer handles at once in this process (by durable name); the contract's `concurrency` otherwise. */
  consumerConcurrency?: Readonly<Record<string, number>>;
  /**
   * On close, how long JetStream handlers in flight may run to their end (default 10 s); the ones
   * still running then are handed back (`nak()` without delay, their handler's signal aborted).
   */
  shutdownGraceMs?: number;
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
  private readonly handlerCache = new Map<string, MessageHandler>();

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

  /**
   * Stops taking work, lets handlers in flight finish within the grace period (their acks go
   * out), hands back the messages whose handlers are still running (nak without delay: another
   * instance takes them at once — no AckWait, no failure), then returns.
   */
  async close(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    await Promise.all(this.consuming.map((c) => c.stop().catch(() => undefined)));
    const graceMs = this.opts.shutdownGraceMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => (timer = setTimeout(() => resolve('grace-over'), graceMs)));
    const settled = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => 'settled' as const), graceOver]);
    clearTimeout(timer);
    if (settled === 'grace-over') {
      const handedBack = this.consuming.reduce((n, c) => n + c.handBack(), 0);
      this.opts.logger.info({ handedBack, graceMs }, 'shutdown grace period over: messages still in progress handed back');
      // Request/reply handlers still get their short time to answer.
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    }
  }

  private concurrencyOf(def: ConsumerDefinition): number {
    return this.opts.consumerConcurrency?.[def.durable] ?? def.concurrency;
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
    const serverConfig = (await consumer.info(true)).config;
    const ackWaitMs = (serverConfig.ack_wait ?? 30_000_000_000) / 1e6;
    // The server's MaxDeliver too: the last delivery of a failing message goes to the dead letters.
    const maxDeliver = serverConfig.max_deliver !== undefined && serverConfig.max_deliver > 0 ? serverConfig.max_deliver : def.maxDeliver;
    const heartbeatMs = heartbeatIntervalFor(ackWaitMs);
    const slots = new SlotConsumer(
      consumer,
      { name: def.durable, concurrency: this.concurrencyOf(def), heartbeatMs, onPullError: (error) => this.opts.logger.warn({ err: error, consumer: def.durable }, 'pull failed; pulling again') },
      (msg) => {
        const work = this.handleJetStream(msg, def, maxDeliver);
        this.track(work);
        return work;
      },
    );
    this.consuming.push(slots);
    slots.start();
    this.opts.logger.info({ consumer: def.durable, stream: def.stream, concurrency: slots.concurrency, heartbeatMs }, 'consuming');
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answerRequest(subject: string, msg: Msg): Promise<void> {
    if (!isRequestSubject(subject)) return;
    const def = requestSubjects[subject];
    const stop = this.opts.metrics.messageDuration.startTimer({ subject });
    await this.withMessageScope(subject, msg.headers, 1, 0, SpanKind.SERVER, undefined, async (ctx) => {
      try {
        const payload = decode(def.request, msg.data);
        const result = await this.invoke(subject, payload, ctx);
        const reply = encode(def.response as DescMessage, (result ?? {}) as MessageInitShape<DescMessage>);
        assertFits(this.opts.connection, `the reply on ${subject}`, reply);
        // Replies of one event-loop turn leave in one socket write (turn-batch.ts); a closed connection drops them as before.
        atTurnEnd(() => msg.respond(reply, { headers: statusHeaders('ok') })).catch(() => undefined);
        this.opts.metrics.messagesHandled.inc({ subject, outcome: 'ok' });
      } catch (error) {
        const appError = toAppError(error);
        this.logFailure(subject, appError, error);
        const errorReply = this.errorReply(appError);
        atTurnEnd(() => msg.respond(errorReply, { headers: statusHeaders('error') })).catch(() => undefined);
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
    await this.withMessageScope(subject, msg.headers, 1, 0, SpanKind.CONSUMER, undefined, async (ctx) => {
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

  private async handleJetStream(msg: JsMsg, def: ConsumerDefinition, maxDeliver: number): Promise<void> {
    const subject = processNamespace().strip(msg.subject);
    const stop = this.opts.metrics.messageDuration.startTimer({ subject });
    await this.withMessageScope(subject, msg.headers, msg.info.deliveryCount, msg.seq, SpanKind.CONSUMER, handBackSignalOf(msg), async (ctx) => {
      ctx.data.consumer = msg.info.consumer;
      let decoded = false;
      try {
        if (!isEventSubject(subject)) throw new AppError(ErrorCode.InvalidArgument, `no contract for subject ${subject}`);
        // A wide filter (e.g. `af.v1.>`) also delivers subjects this consumer does not list: acknowledged unread.
        if (!(def.subjects as readonly string[]).includes(subject)) {
          msg.ack();
          this.opts.metrics.messagesHandled.inc({ subject, outcome: 'skipped' });
          return;
        }
        const payload = decode(eventSubjects[subject].event, msg.data);
        decoded = true;
        // In-progress heartbeats run from receipt to ack/nak/term (see SlotConsumer).
        await this.invoke(subject, payload, ctx);
        // Sent with the other acks of this turn in one write; awaited, so the ack is on the wire
        // (in the connection's buffer) before the message counts as handled (close() waits for it).
        await atTurnEnd(() => msg.ack());
        this.opts.metrics.messagesHandled.inc({ subject, outcome: 'ack' });
      } catch (error) {
        const appError = toAppError(error);
        let disposition = dispositionOf(appError.code, msg.info.deliveryCount);
        // An undecodable message can never succeed: terminated at once, never retried.
        if (!decoded) disposition = { kind: 'term', reason: appError.code };
        const lastDelivery = disposition.kind === 'nak' && msg.info.deliveryCount >= maxDeliver;
        this.logFailure(subject, appError, error, { disposition, deliveryCount: msg.info.deliveryCount, ...(lastDelivery ? { lastDelivery } : {}) });
        // A dead letter that cannot be stored as one is terminated and logged, not dead-lettered again (no loop).
        if ((disposition.kind === 'term' || lastDelivery) && def.stream !== 'AF_DLQ') {
          // Dead letter first, then the plain term: a message given up on is never just dropped.
          // If the dead letter cannot be stored, the message is handed back (nak) to try again.
          const source = !decoded ? 'undecodable' : lastDelivery ? 'max_deliveries' : 'terminated';
          if (!(await this.deadLetter(msg, subject, def, source, appError))) disposition = { kind: 'nak', delayMs: DEAD_LETTER_RETRY_MS };
          else disposition = { kind: 'term', reason: appError.code };
        }
        if (lastDelivery && def.stream === 'AF_DLQ') disposition = { kind: 'term', reason: appError.code };
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

  /**
   * Publishes a DeadLetterRecorded (stream AF_DLQ) for a message this consumer gives up on: where
   * it was, why, the run it is about and the payload when it fits. De-duplicated by stream and
   * sequence, so a redelivery of the same message records one dead letter. Returns false if
   * JetStream did not store it.
   */
  private async deadLetter(msg: JsMsg, subject: string, def: ConsumerDefinition, source: 'undecodable' | 'terminated' | 'max_deliveries', appError: AppError): Promise<boolean> {
    const record = {
      stream: def.stream,
      consumer: def.durable,
      subject,
      streamSeq: BigInt(msg.seq),
      deliveries: msg.info.deliveryCount,
      source,
      code: appError.code,
      reason: utf8Prefix(appError.message, DEAD_LETTER_REASON_MAX_BYTES),
      payload: msg.data.byteLength <= DEAD_LETTER_PAYLOAD_MAX_BYTES ? msg.data : new Uint8Array(),
      runId: runIdOf(subject, msg),
      atMs: BigInt(Date.now()),
    };
    const hdrs = natsHeaders();
    for (const key of [Headers.tenantId, Headers.correlationId, 'traceparent']) {
      const value = msg.headers?.get(key);
      if (value) hdrs.set(key, value);
    }
    try {
      await jetstream(this.opts.connection).publish(processNamespace().subject('af.v1.deadletters.record'), encode(DeadLetterRecordedSchema, record), {
        msgID: `dead-letter:${def.stream}:${msg.seq}`,
        headers: hdrs,
      });
      this.opts.metrics.messagesHandled.inc({ subject, outcome: 'dead_lettered' });
      this.opts.logger.warn({ subject, consumer: def.durable, streamSeq: msg.seq, source, code: appError.code, runId: record.runId }, 'message dead-lettered');
      return true;
    } catch (error) {
      this.opts.logger.error({ err: error, subject, streamSeq: msg.seq }, 'could not record a dead letter; the message is handed back');
      return false;
    }
  }

  private async invoke(subject: string, payload: unknown, ctx: MessageContext): Promise<unknown> {
    // Nest's lookup JSON.parses the pattern first (a throw for every plain subject): found once, then kept.
    let handler = this.handlerCache.get(subject);
    if (!handler) {
      handler = this.getHandlerByPattern(subject) ?? undefined;
      if (handler) this.handlerCache.set(subject, handler);
    }
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
    signal: AbortSignal | undefined,
    fn: (ctx: MessageContext) => Promise<void>,
  ): Promise<void> {
    const correlationId = hdrs?.get(Headers.correlationId) || RequestContext.newCorrelationId();
    const tenantId = hdrs?.get(Headers.tenantId) || undefined;
    const parent = extractTraceContext({ get: (k) => hdrs?.get(k) || undefined, set: () => undefined });
    const ctx = new MessageContext([{ subject, headers: hdrs, correlationId, deliveryCount, streamSequence, ...(signal ? { signal } : {}) }]);
    return otelContext.with(parent, () =>
      RequestContext.run({ correlationId, subject, ...(tenantId ? { tenantId } : {}) }, () =>
        withSpan(`process ${subject}`, { kind, attributes: processAttributes(subject, hdrs, deliveryCount) }, () => fn(ctx)),
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

/**
 * A receiving span's attributes (OpenTelemetry messaging semantic conventions): system, subject,
 * operation process, the JetStream message id (Nats-Msg-Id, the publisher's dedup id) when there
 * is one, and the delivery attempt.
 */
function processAttributes(subject: string, hdrs: MsgHdrs | undefined, deliveryCount: number): Record<string, string | number> {
  const messageId = hdrs?.get('Nats-Msg-Id');
  return {
    'messaging.system': 'nats',
    'messaging.destination.name': subject,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.operation': 'process',
    'messaging.nats.delivery_count': deliveryCount,
    ...(messageId ? { 'messaging.message.id': messageId } : {}),
  };
}

function statusHeaders(status: 'ok' | 'error'): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.status, status);
  return h;
}

/**
 * The run a message is about: ExecuteRun and the run events carry it in field 1 (`run_id`); an
 * undecodable ExecuteRun still names it in its message id `run-execute:<runId>[:<dispatch>]`.
 */
function runIdOf(subject: string, msg: JsMsg): string {
  if (isEventSubject(subject) && (subject === 'af.v1.runs.execute' || subject.startsWith('af.v1.runs.event.'))) {
    try {
      const runId = (decode(eventSubjects[subject].event, msg.data) as { runId?: unknown }).runId;
      if (typeof runId === 'string' && RUN_ID.test(runId)) return runId;
    } catch {
      // fall through to the message id
    }
    const fromMsgId = /^run-execute:([0-9a-f-]{36})(?::\d+)?$/.exec(msg.headers?.get('Nats-Msg-Id') ?? '')?.[1];
    if (fromMsgId && RUN_ID.test(fromMsgId)) return fromMsgId;
  }
  return '';
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A dead letter keeps the original payload up to 64 KiB, its reason up to 4 KiB. */
const DEAD_LETTER_PAYLOAD_MAX_BYTES = 65_536;
const DEAD_LETTER_REASON_MAX_BYTES = 4_096;
/** When a dead letter cannot be stored (JetStream unavailable), the message comes back after this. */
const DEAD_LETTER_RETRY_MS = 5_000;

/** Longest error message sent in a reply (16 KiB); longer ones are cut. */
const ERROR_MESSAGE_MAX_BYTES = 16_384;

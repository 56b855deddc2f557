import { Inject, Injectable } from '@nestjs/common';
import { headers as natsHeaders, NoRespondersError, TimeoutError, RequestError, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import {
  ErrorReplySchema,
  eventSubjects,
  Headers,
  requestSubjects,
  suffixedSubject,
  type suffixedSignals,
  type DurableEventSubject,
  type EventSchema,
  type EventSubject,
  type RequestSchema,
  type RequestSubject,
  type ResponseSchema,
} from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { RequestContext, SpanKind, injectTraceContext, withSpan } from '@af/observability';
import { decode, encode } from './codec.js';
import { JETSTREAM_CLIENT, MESSAGING_OPTIONS, NATS_CONNECTION } from './tokens.js';
import type { MessagingOptions } from './messaging.options.js';
import { processNamespace } from './namespace.js';
import { assertFits } from './payload-limit.js';
import { atTurnEnd } from './turn-batch.js';

export interface SendOptions {
  /** Overrides the tenant of the current request context. */
  tenantId?: string;
  timeoutMs?: number;
}

export interface PublishOptions {
  /** De-duplication id: the same id inside the stream's window is stored once. */
  msgId: string;
  tenantId?: string;
}

/**
 * A send span's attributes (OpenTelemetry messaging semantic conventions): the system, the subject
 * and the operation — `messaging.operation.type` send, `messaging.operation.name` request/publish,
 * and the older `messaging.operation` (publish) that some backends still group by.
 */
function messagingAttributes(subject: string, operation: 'request' | 'publish'): Record<string, string> {
  return {
    'messaging.system': 'nats',
    'messaging.destination.name': subject,
    'messaging.operation.type': 'send',
    'messaging.operation.name': operation,
    'messaging.operation': 'publish',
  };
}

/**
 * The only way services talk to each other: typed by the subject map in @af/contracts, with
 * tenant, correlation and trace headers taken from the current context.
 */
@Injectable()
export class MessageBus {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM_CLIENT) private readonly js: JetStreamClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async request<S extends RequestSubject>(
    subject: S,
    payload: MessageInitShape<RequestSchema<S>>,
    opts: SendOptions = {},
  ): Promise<MessageShape<ResponseSchema<S>>> {
    const def = requestSubjects[subject];
    return withSpan(`request ${subject}`, { kind: SpanKind.CLIENT, attributes: messagingAttributes(subject, 'request') }, async () => {
      const hdrs = this.headersFor(opts.tenantId);
      const data = encode(def.request, payload);
      assertFits(this.nc, `the request on ${subject}`, data);
      let reply;
      try {
        // Sent at the end of this event-loop turn with every other request, publish and ack of the
        // turn: one socket write for all of them (turn-batch.ts). The timeout starts with the send.
        reply = await atTurnEnd(() => this.nc.request(processNamespace().subject(subject), data, {
          timeout: opts.timeoutMs ?? this.options.requestTimeoutMs,
          headers: hdrs,
        }));
      } catch (error) {
        throw this.transportError(subject, def.owner, error);
      }
      if (reply.headers?.get(Headers.status) === 'error') {
        const err = decode(ErrorReplySchema, reply.data);
        throw AppError.fromWire(err.code, err.message, err.path, err.detailsJson);
      }
      return decode(def.response, reply.data) as MessageShape<ResponseSchema<S>>;
    });
  }

  /** Publishes to JetStream and waits for the stream's ack: after it returns, the message is stored. */
  async publish<S extends DurableEventSubject>(subject: S, payload: MessageInitShape<EventSchema<S>>, opts: PublishOptions): Promise<{ seq: number; duplicate: boolean }> {
    const def = eventSubjects[subject];
    return withSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER, attributes: { ...messagingAttributes(subject, 'publish'), 'messaging.message.id': opts.msgId } }, async () => {
      const hdrs = this.headersFor(opts.tenantId);
      const data = encode(def.event, payload);
      // Too large is permanent (never retried): a retry would send the same bytes again.
      assertFits(this.nc, `the ${subject} event`, data);
      try {
        // Sent with the other publishes of this turn in one write (see turn-batch.ts).
        const ack = await atTurnEnd(() => this.js.publish(processNamespace().subject(subject), data, { msgID: opts.msgId, headers: hdrs }));
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (error) {
        throw new AppError(ErrorCode.Unavailable, `could not store ${subject} on JetStream`, { cause: error });
      }
    });
  }

  /** Best-effort core NATS publish for signals whose loss is harmless (heartbeats). */
  emit<S extends EventSubject>(subject: S, payload: MessageInitShape<EventSchema<S>>): void {
    const def = eventSubjects[subject];
    const data = encode(def.event, payload);
    assertFits(this.nc, `the ${subject} signal`, data);
    this.nc.publish(processNamespace().subject(subject), data, { headers: this.headersFor(undefined) });
  }

  /**
   * Best-effort core NATS publish of a suffixed signal on `<subject>.<suffix>` (e.g. a run's model
   * tokens on `af.v1.runs.tokens.<runId>`): nobody listening is fine, nothing is stored.
   */
  emitTo<S extends (typeof suffixedSignals)[number]>(subject: S, suffix: string, payload: MessageInitShape<EventSchema<S>>): void {
    const def = eventSubjects[subject];
    const data = encode(def.event, payload);
    assertFits(this.nc, `the ${subject} signal`, data);
    this.nc.publish(processNamespace().subject(suffixedSubject(subject, suffix)), data, { headers: this.headersFor(undefined) });
  }

  /**
   * Listens to one suffixed signal (`<subject>.<suffix>`) until the returned function is called
   * or `signal` aborts. Messages of another tenant than `tenantId` are dropped (the tenant header
   * is checked, so a run id guessed across tenants streams nothing). Undecodable messages are skipped.
   */
  listen<S extends (typeof suffixedSignals)[number]>(
    subject: S,
    suffix: string,
    tenantId: string,
    onMessage: (payload: MessageShape<EventSchema<S>>) => void,
    signal?: AbortSignal,
  ): () => void {
    const def = eventSubjects[subject];
    const sub = this.nc.subscribe(processNamespace().subject(suffixedSubject(subject, suffix)), {
      callback: (err, msg) => {
        if (err) return;
        if (msg.headers?.get(Headers.tenantId) !== tenantId) return;
        let payload: MessageShape<EventSchema<S>>;
        try {
          payload = decode(def.event, msg.data) as MessageShape<EventSchema<S>>;
        } catch {
          return;
        }
        onMessage(payload);
      },
    });
    const stop = () => {
      if (!sub.isClosed()) sub.unsubscribe();
    };
    signal?.addEventListener('abort', stop, { once: true });
    return stop;
  }

  private headersFor(tenantOverride: string | undefined): MsgHdrs {
    const ctx = RequestContext.current();
    const hdrs = natsHeaders();
    const tenant = tenantOverride ?? ctx?.tenantId;
    if (tenant) hdrs.set(Headers.tenantId, tenant);
    hdrs.set(Headers.correlationId, ctx?.correlationId ?? RequestContext.newCorrelationId());
    injectTraceContext({ get: (k) => hdrs.get(k), set: (k, v) => hdrs.set(k, v) });
    return hdrs;
  }

  private transportError(subject: string, owner: string, error: unknown): AppError {
    const cause = error instanceof RequestError && error.cause ? error.cause : error;
    if (cause instanceof NoRespondersError || error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())) {
      return new AppError(ErrorCode.Unavailable, `the ${owner} service is not answering on ${subject}`, { cause: error });
    }
    if (cause instanceof TimeoutError || error instanceof TimeoutError) {
      return new AppError(ErrorCode.Timeout, `the ${owner} service did not answer on ${subject} in time`, { cause: error });
    }
    return new AppError(ErrorCode.Unavailable, `request on ${subject} failed`, { cause: error });
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { ExternalEventSchema, Headers, type ConsumerDefinition, type StreamDefinition } from '@af/contracts';
import { dispositionOf, toAppError } from '@af/errors';
import { JETSTREAM_CLIENT, JETSTREAM_MANAGER, SlotConsumer, decode, ensureConsumer, ensureStream, heartbeatIntervalFor, processNamespace } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { MAX_HOOK_BODY_BYTES, TriggersService } from './triggers.service.js';

/**
 * AF_EXT: events tenants' own systems publish on `af.v1.ext.<tenant>.<subject…>` for their event
 * triggers. Owned by this service (the only reader), not by @af/contracts' stream table: its
 * subjects are a wildcard namespace, not contract subjects with one schema each. Publishers get
 * NATS credentials limited to `af.v1.ext.<their tenant>.>` (see README).
 */
export const EXT_STREAM = {
  name: 'AF_EXT',
  subjects: ['af.v1.ext.>'],
  retention: 'limits',
  storage: 'file',
  duplicateWindowMs: 2 * 60 * 1000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  replicas: 1,
} as const;

export const EXT_CONSUMER = {
  stream: 'AF_EXT',
  durable: 'triggers-ext-events',
  filterSubject: 'af.v1.ext.>',
  subjects: [],
  owner: 'triggers',
  ackWaitMs: 30_000,
  maxDeliver: 10,
  maxAckPending: 1024,
  concurrency: 4,
} as const;

const EXT_PREFIX = 'af.v1.ext.';

/** Consumes AF_EXT: each event goes to TriggersService.onExternalEvent; a tenant header that differs from the subject's tenant drops it. */
@Injectable()
export class ExternalEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private slots: SlotConsumer | undefined;

  constructor(
    private readonly service: TriggersService,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(JETSTREAM_CLIENT) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ns = processNamespace();
    // The contracts' stream and consumer types list contract subjects; AF_EXT's is a wildcard namespace.
    await ensureStream(this.jsm, { ...EXT_STREAM, name: ns.streamName(EXT_STREAM.name), subjects: [ns.subject(EXT_STREAM.subjects[0])] } as unknown as StreamDefinition);
    await ensureConsumer(this.jsm, { ...EXT_CONSUMER, streamName: ns.streamName(EXT_CONSUMER.stream), filterSubject: ns.subject(EXT_CONSUMER.filterSubject) } as unknown as ConsumerDefinition & { streamName: string });
    const consumer = await this.js.consumers.get(ns.streamName(EXT_STREAM.name), EXT_CONSUMER.durable);
    this.slots = new SlotConsumer(
      consumer,
      { name: EXT_CONSUMER.durable, concurrency: EXT_CONSUMER.concurrency, heartbeatMs: heartbeatIntervalFor(EXT_CONSUMER.ackWaitMs), onPullError: (error) => this.logger.warn({ err: error }, 'AF_EXT pull failed; pulling again') },
      (msg) => this.handle(msg),
    );
    this.slots.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.slots?.stop();
  }

  private async handle(msg: JsMsg): Promise<void> {
    const subject = processNamespace().strip(msg.subject);
    const [tenant = '', ...rest] = subject.startsWith(EXT_PREFIX) ? subject.slice(EXT_PREFIX.length).split('.') : [];
    try {
      const payload = this.payloadOf(msg.data);
      if (payload === undefined) {
        this.service.dropEvent('invalid_payload');
        msg.ack();
        return;
      }
      await this.service.onExternalEvent(tenant, msg.headers?.get(Headers.tenantId) || undefined, rest.join('.'), payload, `${msg.seq}`);
      msg.ack();
    } catch (error) {
      const appError = toAppError(error);
      const disposition = dispositionOf(appError.code, msg.info.deliveryCount);
      this.logger.warn({ subject, code: appError.code, deliveryCount: msg.info.deliveryCount, disposition: disposition.kind }, appError.message);
      if (disposition.kind === 'nak') msg.nak(disposition.delayMs);
      else if (disposition.kind === 'term') msg.term();
      else msg.ack();
    }
  }

  /**
   * The event's payload: the message is either an af.v1.ExternalEvent (protobuf, `payload_json`)
   * or plain JSON (what a tenant's script publishes with `nats pub`). Undefined when neither.
   */
  private payloadOf(data: Uint8Array): unknown {
    if (data.byteLength > MAX_HOOK_BODY_BYTES) return undefined;
    // A protobuf ExternalEvent starts with 0x0a (field 1); so may JSON text (a newline): the protobuf reading is tried first.
    if (data[0] === 0x0a) {
      const text = safe(() => decode(ExternalEventSchema, data).payloadJson);
      const parsed = text ? safe(() => JSON.parse(text) as unknown) : undefined;
      if (parsed !== undefined) return parsed;
    }
    return safe(() => JSON.parse(Buffer.from(data).toString('utf8')) as unknown);
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

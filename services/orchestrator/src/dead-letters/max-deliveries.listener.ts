import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { ExecuteRunSchema, Headers, isTenantId, streams, type StreamName } from '@af/contracts';
import { MessageBus, NATS_CONNECTION, decode, processNamespace } from '@af/messaging';
import { LOGGER, RequestContext, type Logger } from '@af/observability';
import { StreamMessageRepository } from './run-stream.repository.js';

/** The JSON body of `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>` (nats-server 2.9). */
interface MaxDeliveriesAdvisory {
  stream?: string;
  consumer?: string;
  stream_seq?: number;
  deliveries?: number;
}

const PAYLOAD_MAX_BYTES = 65_536;

/**
 * The server's max-deliveries advisories: a message whose consumer never acked it (its process
 * died on every delivery, so the transport could not dead-letter it) and that the server stopped
 * delivering. The orchestrator fetches the original by stream sequence, records it as a dead
 * letter (published on AF_DLQ with the same de-duplication id as the transport uses, so the two
 * paths record it once) and removes it from a work-queue stream, where it would otherwise stay.
 *
 * A core NATS subscription (queue group: one orchestrator instance handles each advisory): an
 * advisory published while no orchestrator runs is lost — the reconciler is the backstop (a run
 * that stays running without progress past the stall timeout is dead-lettered or re-dispatched).
 */
@Injectable()
export class MaxDeliveriesListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly messages: StreamMessageRepository,
    private readonly bus: MessageBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of Object.keys(streams) as StreamName[]) {
      if (name === 'AF_DLQ') continue;
      const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${processNamespace().streamName(streams[name].name)}.*`;
      this.subscriptions.push(
        this.nc.subscribe(subject, {
          queue: 'af.orchestrator.advisories',
          callback: (err, msg) => {
            if (err) return;
            const work = this.handle(name, msg.data).catch((error: unknown) => this.logger.error({ err: error, stream: name }, 'could not dead-letter a max-deliveries advisory'));
            this.inFlight.add(work);
            void work.finally(() => this.inFlight.delete(work));
          },
        }),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Dead-letters the message an advisory names; returns false if it was already gone. */
  async handle(stream: StreamName, data: Uint8Array): Promise<boolean> {
    let advisory: MaxDeliveriesAdvisory;
    try {
      advisory = JSON.parse(new TextDecoder().decode(data)) as MaxDeliveriesAdvisory;
    } catch {
      this.logger.warn({ stream }, 'ignoring a max-deliveries advisory that is not JSON');
      return false;
    }
    const seq = Number(advisory.stream_seq ?? 0);
    if (!Number.isSafeInteger(seq) || seq <= 0) return false;
    const original = await this.messages.get(stream, seq);
    if (!original) return false;
    const subject = processNamespace().strip(original.subject);
    const tenantId = original.header?.get(Headers.tenantId) ?? '';
    if (!isTenantId(tenantId)) {
      this.logger.error({ stream, seq, subject }, 'a message past max deliveries carries no tenant: removed without a dead letter');
    } else {
      const deliveries = Number(advisory.deliveries ?? 0);
      const consumer = String(advisory.consumer ?? '');
      const correlationId = original.header?.get(Headers.correlationId) || RequestContext.newCorrelationId();
      await RequestContext.run({ tenantId, correlationId }, () =>
        this.bus.publish(
          'af.v1.deadletters.record',
          {
            stream,
            consumer,
            subject,
            streamSeq: BigInt(seq),
            deliveries,
            source: 'max_deliveries',
            code: '',
            reason: `max deliveries (${deliveries}) reached on consumer ${consumer}: it never acknowledged the message`,
            payload: original.data.byteLength <= PAYLOAD_MAX_BYTES ? original.data : new Uint8Array(),
            runId: runIdOf(subject, original.data, original.header?.get('Nats-Msg-Id') ?? ''),
            atMs: BigInt(Date.now()),
          },
          { msgId: `dead-letter:${stream}:${seq}`, tenantId },
        ),
      );
    }
    // A work queue keeps a message past max deliveries for good: remove it once it is recorded.
    if (streams[stream].retention === 'workqueue') await this.messages.delete(stream, seq);
    return true;
  }
}

function runIdOf(subject: string, data: Uint8Array, msgId: string): string {
  if (subject !== 'af.v1.runs.execute') return '';
  try {
    const runId = decode(ExecuteRunSchema, data).runId;
    if (/^[0-9a-f-]{36}$/.test(runId)) return runId;
  } catch {
    // the message id still names the run
  }
  return /^run-execute:([0-9a-f-]{36})(?::\d+)?$/.exec(msgId)?.[1] ?? '';
}

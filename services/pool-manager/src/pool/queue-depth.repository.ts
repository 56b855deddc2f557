import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { consumers } from '@af/contracts';
import { JETSTREAM_MANAGER, processNamespace } from '@af/messaging';

export interface QueueDepth {
  /** num_pending + num_ack_pending: what KEDA's nats-jetstream scaler reads. */
  depth: number;
  pending: number;
  ackPending: number;
  /** 'consumer': from the worker-runs consumer; 'stream': no consumer yet, AF_RUNS's message count. */
  source: 'consumer' | 'stream';
}

/** The work waiting for workers: the `worker-runs` consumer's info through the JetStream manager. */
@Injectable()
export class QueueDepthRepository {
  private readonly consumer = processNamespace().consumer(consumers['worker-runs']);

  constructor(@Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager) {}

  async read(): Promise<QueueDepth> {
    try {
      const info = await this.jsm.consumers.info(this.consumer.streamName, this.consumer.durable);
      return { depth: info.num_pending + info.num_ack_pending, pending: info.num_pending, ackPending: info.num_ack_pending, source: 'consumer' };
    } catch (error) {
      // Before the first worker has created its consumer, every message in the work queue is waiting.
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
      const stream = await this.jsm.streams.info(this.consumer.streamName);
      return { depth: stream.state.messages, pending: stream.state.messages, ackPending: 0, source: 'stream' };
    }
  }
}

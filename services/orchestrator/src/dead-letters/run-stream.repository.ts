import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { streams, type StreamName } from '@af/contracts';
import { JETSTREAM_MANAGER, processNamespace } from '@af/messaging';

/** Reads and removes single messages of our JetStream streams by sequence (dead letters, reconciler). */
@Injectable()
export class StreamMessageRepository {
  constructor(@Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager) {}

  /** The stored message at `seq`, or null once it is gone (acked off a work queue, deleted, expired). */
  async get(stream: StreamName, seq: number): Promise<StoredMsg | null> {
    try {
      return await this.jsm.streams.getMessage(processNamespace().streamName(streams[stream].name), { seq });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Removes the message at `seq`; false if it was already gone. */
  async delete(stream: StreamName, seq: number): Promise<boolean> {
    try {
      return await this.jsm.streams.deleteMessage(processNamespace().streamName(streams[stream].name), seq, false);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: unknown; api_error?: { code?: number; err_code?: number } } | undefined;
  return e?.api_error?.code === 404 || e?.code === '404' || e?.code === 404 || /no message found|not found/i.test(String((error as Error | undefined)?.message ?? ''));
}

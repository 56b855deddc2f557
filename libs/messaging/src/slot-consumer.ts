import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';

export interface SlotConsumerOptions {
  /** Messages handled at once; the consumer never holds more than this many. */
  concurrency: number;
  /** How often each held message is marked in progress (`+WPI`): well below the consumer's AckWait. */
  heartbeatMs: number;
  /** How long one pull request waits for messages before another is sent (nats.js minimum 1 s). */
  expiresMs?: number;
  /** Called when a pull fails (the loop waits `retryMs` and pulls again). */
  onPullError?: (error: unknown) => void;
  retryMs?: number;
}

/** The heartbeat interval for a consumer's AckWait: a third of it, between 100 ms and 10 s. */
export function heartbeatIntervalFor(ackWaitMs: number): number {
  return Math.min(10_000, Math.max(100, Math.floor(ackWaitMs / 3)));
}

/**
 * Pulls from a JetStream pull consumer no more messages than it has free slots: each pull asks for
 * exactly the free slots (`fetch({max_messages: free})`), so no message waits in the process for a
 * slot while its AckWait runs out. Every message held gets in-progress heartbeats from the moment
 * it is received until its handler has acked, naked or termed it, so a handler that runs longer
 * than AckWait is not redelivered to another instance while it runs.
 *
 * Works on nats-server 2.9 (plain pull requests with `expires`; no priority groups).
 */
export class SlotConsumer {
  private free: number;
  private wake: (() => void) | undefined;
  private batch: ConsumerMessages | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SlotConsumerOptions,
    private readonly handle: (msg: JsMsg) => Promise<void>,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    this.free = options.concurrency;
  }

  /** Messages held right now (being handled). */
  get held(): number {
    return this.options.concurrency - this.free;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops pulling. Messages of a pull that arrive after this are naked; handlers in flight go on. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.batch?.close().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.free === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (this.stopped) break;
      try {
        this.batch = await this.consumer.fetch({ max_messages: this.free, expires: this.options.expiresMs ?? 5_000 });
        for await (const msg of this.batch) {
          if (this.stopped) {
            msg.nak();
            continue;
          }
          this.dispatch(msg);
        }
      } catch (error) {
        if (this.stopped) break;
        this.options.onPullError?.(error);
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 1_000));
      } finally {
        this.batch = undefined;
      }
    }
  }

  private dispatch(msg: JsMsg): void {
    this.free--;
    const beat = setInterval(() => {
      try {
        msg.working();
      } catch {
        // The connection is closing: the message will be redelivered after AckWait.
      }
    }, this.options.heartbeatMs);
    void this.handle(msg)
      .catch(() => undefined)
      .finally(() => {
        clearInterval(beat);
        this.free++;
        this.wake?.();
      });
  }
}

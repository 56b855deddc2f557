import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';

export interface SlotConsumerOptions {
  /** The durable's name: the consumer's load is reported under it (consumerLoad) while it runs. */
  name?: string;
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

const signals = new WeakMap<JsMsg, AbortSignal>();
const running = new Map<string, SlotConsumer>();

/** Messages held now and the limit, per named consumer of this process (heartbeats carry it). */
export function consumerLoad(): Record<string, { held: number; concurrency: number }> {
  return Object.fromEntries([...running].map(([name, c]) => [name, { held: c.held, concurrency: c.concurrency }]));
}

/** The signal aborted when the message a handler holds is handed back at shutdown. */
export function handBackSignalOf(msg: JsMsg): AbortSignal | undefined {
  return signals.get(msg);
}

/** The message as its handler sees it: once handed back, its ack/nak/term/working are ignored (the server already has it back). */
function guard(msg: JsMsg, signal: AbortSignal): JsMsg {
  const settle = new Set<PropertyKey>(['ack', 'nak', 'term', 'working', 'ackAck']);
  return new Proxy(msg, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (settle.has(key)) return (...args: unknown[]) => (signal.aborted ? (key === 'ackAck' ? Promise.resolve(false) : undefined) : (value as (...a: unknown[]) => unknown).apply(target, args));
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
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
  /** Messages held now, with the controller that aborts their handler when they are handed back. */
  private readonly holding = new Map<JsMsg, { controller: AbortController; beat: NodeJS.Timeout }>();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SlotConsumerOptions,
    private readonly handle: (msg: JsMsg, signal: AbortSignal) => Promise<void>,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    this.free = options.concurrency;
  }

  /** Messages held right now (being handled). */
  get held(): number {
    return this.options.concurrency - this.free;
  }

  get concurrency(): number {
    return this.options.concurrency;
  }

  /**
   * Shutdown past the grace period: gives every message still held back to the server at once
   * (`nak()` without delay: another instance gets it now, not after AckWait) and aborts its
   * handler's signal. Returns how many were handed back. The handler's own ack/nak is then ignored.
   */
  handBack(): number {
    let count = 0;
    for (const [msg, { controller, beat }] of this.holding) {
      clearInterval(beat);
      controller.abort();
      try {
        msg.nak();
        count++;
      } catch {
        // The connection is gone: the message comes back after AckWait.
      }
    }
    this.holding.clear();
    return count;
  }


  start(): void {
    if (this.options.name) running.set(this.options.name, this);
    this.loop ??= this.run();
  }

  /** Stops pulling. Messages of a pull that arrive after this are naked; handlers in flight go on. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.options.name && running.get(this.options.name) === this) running.delete(this.options.name);
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
    const controller = new AbortController();
    this.holding.set(msg, { controller, beat });
    const guarded = guard(msg, controller.signal);
    signals.set(guarded, controller.signal);
    void this.handle(guarded, controller.signal)
      .catch(() => undefined)
      .finally(() => {
        this.holding.delete(msg);
        clearInterval(beat);
        this.free++;
        this.wake?.();
      });
  }
}

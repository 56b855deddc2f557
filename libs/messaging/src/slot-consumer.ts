import type { Consumer, ConsumerMessages, DeliveryInfo, JsMsg, PullOptions } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';

export interface SlotConsumerOptions {
  /** The durable's name: the consumer's load is reported under it (consumerLoad) while it runs. */
  name?: string;
  /** Messages handled at once; the consumer never holds more than this many. */
  concurrency: number;
  /** How often each held message is marked in progress (`+WPI`): well below the consumer's AckWait. */
  heartbeatMs: number;
  /** How long one pull request waits for messages before another is sent (nats.js minimum 1 s). */
  expiresMs?: number;
  /**
   * Free slots worth a pull of their own (default a quarter of `concurrency`, at least 1). While
   * fewer are free, the loop waits up to `gatherMs` for more before pulling: near saturation one
   * pull then carries many messages instead of one pull per finished message.
   */
  pullThreshold?: number;
  /** How long a pull waits for `pullThreshold` free slots once at least one is free (default 2 ms). */
  gatherMs?: number;
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

/**
 * The message as its handler sees it: once handed back, its ack/nak/term/working/next are ignored
 * (the server already has it back). A plain delegating object, not a Proxy: the server reads
 * several fields of every message, and a Proxy trap (with a bound function per method read) cost
 * ~6 % of the consume path's CPU.
 */
class GuardedMsg implements JsMsg {
  constructor(
    private readonly msg: JsMsg,
    private readonly signal: AbortSignal,
  ) {}

  get redelivered(): boolean {
    return this.msg.redelivered;
  }
  get info(): DeliveryInfo {
    return this.msg.info;
  }
  get seq(): number {
    return this.msg.seq;
  }
  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }
  get data(): Uint8Array {
    return this.msg.data;
  }
  get subject(): string {
    return this.msg.subject;
  }
  get sid(): number {
    return this.msg.sid;
  }
  get time(): Date {
    return this.msg.time;
  }
  get timestamp(): string {
    return this.msg.timestamp;
  }
  get timestampNanos(): bigint {
    return this.msg.timestampNanos;
  }
  ack(): void {
    if (!this.signal.aborted) this.msg.ack();
  }
  nak(millis?: number): void {
    if (!this.signal.aborted) this.msg.nak(millis);
  }
  working(): void {
    if (!this.signal.aborted) this.msg.working();
  }
  next(subj: string, ro?: Partial<PullOptions>): void {
    if (!this.signal.aborted) this.msg.next(subj, ro);
  }
  term(reason?: string): void {
    if (!this.signal.aborted) this.msg.term(reason);
  }
  ackAck(opts?: Partial<{ timeout: number }>): Promise<boolean> {
    return this.signal.aborted ? Promise.resolve(false) : this.msg.ackAck(opts);
  }
  json<T>(): T {
    return this.msg.json<T>();
  }
  string(): string {
    return this.msg.string();
  }
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
  private readonly threshold: number;
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
    this.threshold = Math.min(options.concurrency, Math.max(1, options.pullThreshold ?? Math.ceil(options.concurrency / 4)));
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
      await this.slotsToPull();
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

  /**
   * Resolves when a pull is worth sending: `threshold` slots free, or at least one free for
   * `gatherMs` (a handful of finished messages are pulled for together, not one pull each).
   */
  private async slotsToPull(): Promise<void> {
    if (this.free === 0 && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    if (this.free >= this.threshold || this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.gatherMs ?? 2);
      this.wake = () => {
        if (this.free < this.threshold && !this.stopped) return;
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
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
    const guarded = new GuardedMsg(msg, controller.signal);
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

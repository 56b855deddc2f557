/**
 * One item's outcome in a batch write: undefined = written (or already there), an Error = this
 * item alone failed (its message is naked or terminated by its code; the others are acked).
 */
export type ItemOutcome = Error | undefined;

export interface MicroBatcherOptions<T = unknown> {
  /** Most items one flush writes. */
  maxSize: number;
  /** With `weigh`: the most weight (e.g. bytes) one flush writes — always at least one item. */
  maxWeight?: number;
  weigh?: (item: T) => number;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Groups items handed in one at a time (one per JetStream message: the consumer's handler awaits
 * `add`) into batch writes. No timer: a batch is flushed at the end of the event-loop turn that
 * filled it when no flush is running, otherwise as soon as the running one ends — so a lone event
 * waits for nothing, and under load every write round trip carries what arrived meanwhile (up to
 * `maxSize`). One flush at a time. Each item's promise settles after its batch committed, with its
 * own outcome: the message is acknowledged only once its write is durable, and a failing item is
 * retried (nak) or given up on (term) without the rest of its batch.
 *
 * Used by the event consumers that write what they receive (memory's tiers, health's run outcomes,
 * webhooks' deliveries): one PostgreSQL statement / Cypher UNWIND / Redis pipeline per batch.
 */
export class MicroBatcher<T> {
  private pending: Waiting<T>[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly write: (items: T[]) => Promise<ItemOutcome[]>,
    private readonly options: MicroBatcherOptions<T>,
  ) {
    if (!Number.isInteger(options.maxSize) || options.maxSize < 1) throw new Error(`MicroBatcher: maxSize must be a positive integer (got ${options.maxSize})`);
  }

  /** Resolves once the item's batch is written; rejects with the item's own error (or the whole batch's). */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a flush (not counting the one running). */
  get waiting(): number {
    return this.pending.length;
  }

  /** A flush is running or scheduled. */
  get busy(): boolean {
    return this.flushing || this.scheduled;
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** How many of the pending items the next flush takes: up to maxSize, and maxWeight when items are weighed. */
  private batchLength(): number {
    const { maxSize, maxWeight, weigh } = this.options;
    if (!weigh || maxWeight === undefined) return maxSize;
    let weight = 0;
    let n = 0;
    for (const w of this.pending) {
      if (n >= maxSize) break;
      weight += weigh(w.item);
      if (n > 0 && weight > maxWeight) break;
      n++;
    }
    return n;
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending.splice(0, this.batchLength());
    try {
      let outcomes: ItemOutcome[];
      try {
        outcomes = await this.write(batch.map((w) => w.item));
        if (outcomes.length !== batch.length) throw new Error(`batch write returned ${outcomes.length} outcomes for ${batch.length} items`);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        outcomes = batch.map(() => failure);
      }
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome) w.reject(outcome);
        else w.resolve();
      });
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}

/** What an event stream writes to (a Node `ServerResponse` in the gateway, any `Writable` in tests). */
export interface SseSink {
  write(chunk: string): boolean;
  on(event: 'drain', listener: () => void): unknown;
}

const frame = (event: string, data: unknown, id?: number) => `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * One Server-Sent Events stream with backpressure. Frames are written at once while the client
 * keeps up; while it lags (a `write` answered false, until `drain`) they wait in order. Lossless
 * frames (transitions, end, error) always wait; droppable ones (model tokens) wait up to
 * `maxDroppable`, past it they are dropped, and once the client has caught up one
 * `event: token_dropped` (`{dropped}`) says how many were lost before the next frame.
 * Until `start()` (the response's head is not written yet) everything waits the same way.
 */
export class SseWriter {
  private readonly queue: { frame: string; droppable: boolean }[] = [];
  private queuedDroppable = 0;
  private dropped = 0;
  private started = false;
  private lagging = false;

  constructor(
    private readonly sink: SseSink,
    private readonly maxDroppable: number,
  ) {}

  /** Tokens dropped since the last `token_dropped` frame. */
  get droppedPending(): number {
    return this.dropped;
  }

  /** Writes the head's `first` frames (e.g. the history so far), then whatever waited, then goes live. */
  start(first: { event: string; data: unknown; id?: number }[] = []): void {
    if (this.started) return;
    this.started = true;
    this.queue.unshift(...first.map(({ event, data, id }) => ({ frame: frame(event, data, id), droppable: false })));
    this.sink.on('drain', () => {
      this.lagging = false;
      this.flush();
    });
    this.flush();
  }

  send(event: string, data: unknown, id?: number): void {
    this.enqueue(frame(event, data, id), false);
  }

  /** A frame the client may lose when it lags (it is told how many it lost). */
  sendDroppable(event: string, data: unknown): void {
    if ((this.lagging || !this.started) && (this.dropped > 0 || this.queuedDroppable >= this.maxDroppable)) {
      this.dropped++;
      return;
    }
    this.enqueue(frame(event, data), true);
  }

  /** The stream ends: whatever still waits goes to the sink's own buffer (bounded: the lossless frames and at most `maxDroppable` tokens). */
  finish(): void {
    this.lagging = false;
    this.started = true;
    for (;;) {
      this.flush();
      if (this.queue.length === 0 && this.dropped === 0) return;
      this.lagging = false;
    }
  }

  private enqueue(frame: string, droppable: boolean): void {
    this.queue.push({ frame, droppable });
    if (droppable) this.queuedDroppable++;
    if (this.started && !this.lagging) this.flush();
  }

  private flush(): void {
    while (!this.lagging) {
      if (this.dropped > 0 && this.queuedDroppable === 0) {
        // Everything that was kept before the gap is out: say what was lost, then go on.
        const dropped = this.dropped;
        this.dropped = 0;
        this.lagging = !this.sink.write(frame('token_dropped', { dropped }));
        continue;
      }
      const next = this.queue.shift();
      if (!next) return;
      if (next.droppable) this.queuedDroppable--;
      this.lagging = !this.sink.write(next.frame);
    }
  }
}

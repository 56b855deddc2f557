/** Bounds of streaming a model step's answer text to listeners (WORKER_STREAM_* variables). */
export interface TokenStreamLimits {
  /** A pending chunk is sent at the latest this long after its first delta. */
  flushMs: number;
  /** A pending chunk is sent at once when it reaches this many bytes. */
  flushBytes: number;
  /** Bytes one step may stream in all; the rest of its answer is not streamed (the run's output still has it). */
  maxBytesPerStep: number;
}

export const TOKEN_STREAM_LIMITS = Symbol.for('af.worker.tokenStreamLimits');

/** One chunk out: its position in the step's stream and its text. */
export type ChunkSink = (index: number, text: string) => void;

/**
 * Coalesces the text deltas of one model step into chunks (sent every `flushMs` or once
 * `flushBytes` are pending), at most `maxBytesPerStep` in all. `push` never blocks and never
 * throws: sending is best effort (a sink error drops the chunk), so the model call is never held
 * up by its listeners. `close` sends what is pending and stops the timer.
 */
export class TokenStream {
  private pending = '';
  private pendingBytes = 0;
  private sentBytes = 0;
  private index = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Bytes not streamed because the step's limit was reached. */
  droppedBytes = 0;

  constructor(
    private readonly limits: TokenStreamLimits,
    private readonly sink: ChunkSink,
    private readonly onSent: (bytes: number) => void = () => undefined,
  ) {}

  push(text: string): void {
    if (this.closed || !text) return;
    let bytes = Buffer.byteLength(text, 'utf8');
    const room = this.limits.maxBytesPerStep - this.sentBytes - this.pendingBytes;
    if (room <= 0) {
      this.droppedBytes += bytes;
      return;
    }
    if (bytes > room) {
      const cut = new TextDecoder().decode(Buffer.from(text, 'utf8').subarray(0, room)).replace(/\uFFFD$/, '');
      this.droppedBytes += bytes - Buffer.byteLength(cut, 'utf8');
      text = cut;
      bytes = Buffer.byteLength(cut, 'utf8');
    }
    this.pending += text;
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.limits.flushBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.limits.flushMs);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const text = this.pending;
    const bytes = this.pendingBytes;
    this.pending = '';
    this.pendingBytes = 0;
    this.sentBytes += bytes;
    try {
      this.sink(this.index++, text);
      this.onSent(bytes);
    } catch {
      // Best effort: a listener that misses a chunk still gets the run's output.
    }
  }
}

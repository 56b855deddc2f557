import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Logger } from '@af/observability';

export interface IdleHeapTrimOptions {
  /** How often the event loop's busy share is sampled (default 2 s). */
  checkMs?: number;
  /** Below this busy share over one check the process counts as idle (default 0.05). */
  idleBelow?: number;
  /**
   * The collection that gives memory back: by default V8's "last resort" full GC (what V8 itself
   * runs before an out-of-memory error: every space compacted, the young generation shrunk to its
   * minimum). Needs `node --expose-gc` (scripts/mesh.sh passes it); without it nothing is trimmed.
   */
  collect?: () => void;
  /** The event loop's utilisation since `previous` (tests); performance.eventLoopUtilization otherwise. */
  utilization?: (previous?: EventLoopUtilization) => EventLoopUtilization;
}

type ExposedGc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/** V8's last-resort full GC when node runs with --expose-gc, else undefined. */
export function exposedFullGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  return typeof gc === 'function' ? () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }) : undefined;
}

/**
 * Gives an idle service's memory back. Under load V8 grows the young generation (up to 3 × 16 MiB
 * semi-spaces) and the old generation's pages, and an idle process never shrinks them again: a
 * service that booted and went quiet keeps ~30–40 MiB of empty heap. Capping the young generation
 * instead (`--max-semi-space-size`) costs throughput under load (5× the GC time per message in the
 * messaging bench). So: once the event loop has been idle for a whole check after being busy
 * (boot counts as busy), one full collection runs; then not again until the process has been busy.
 * A busy process is never interrupted; the pause (tens of ms) falls in an idle stretch.
 */
export class IdleHeapTrim {
  private timer: NodeJS.Timeout | undefined;
  private previous: EventLoopUtilization | undefined;
  /** Busy since the last trim (boot included): the next idle check trims. */
  private armed = true;
  private readonly collect: (() => void) | undefined;
  private readonly utilization: (previous?: EventLoopUtilization) => EventLoopUtilization;

  constructor(
    private readonly logger: Logger,
    private readonly options: IdleHeapTrimOptions = {},
  ) {
    this.collect = options.collect ?? exposedFullGc();
    this.utilization = options.utilization ?? ((previous) => (previous ? performance.eventLoopUtilization(previous) : performance.eventLoopUtilization()));
  }

  /** Starts sampling; false (and a log line) when there is no way to collect (node without --expose-gc). */
  start(): boolean {
    if (!this.collect) {
      this.logger.info('idle heap trimming off: node runs without --expose-gc');
      return false;
    }
    if (this.timer) return true;
    this.previous = this.utilization();
    this.timer = setInterval(() => this.check(), this.options.checkMs ?? 2_000);
    this.timer.unref();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample: returns true when it trimmed. */
  check(): boolean {
    const now = this.utilization();
    const busy = this.previous ? this.utilization(this.previous).utilization : 1;
    this.previous = now;
    if (busy >= (this.options.idleBelow ?? 0.05)) {
      this.armed = true;
      return false;
    }
    if (!this.armed || !this.collect) return false;
    this.armed = false;
    const before = process.memoryUsage.rss();
    const started = performance.now();
    this.collect();
    this.logger.debug({ rssBeforeMiB: Math.round(before / 2 ** 20), rssAfterMiB: Math.round(process.memoryUsage.rss() / 2 ** 20), ms: Math.round(performance.now() - started) }, 'idle: heap trimmed');
    return true;
  }
}

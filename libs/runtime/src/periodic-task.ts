import type { Logger } from '@af/observability';

/**
 * Runs `work` every `intervalMs`, never two passes at once; `stop()` waits for a pass in flight.
 * For relays and sweepers that must survive a failed pass (the error is logged, the next pass runs).
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass now (or the pass already running). */
  runOnce(): Promise<void> {
    this.running ??= this.work()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ err: error, task: this.name }, `${this.name} pass failed`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

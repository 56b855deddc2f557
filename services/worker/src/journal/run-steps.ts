import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { TenantId } from '@af/contracts';
import { SpanStatusCode } from '@opentelemetry/api';
import { withSpan } from '@af/observability';
import type { StepJournalRepository } from './step-journal.repository.js';

/** Runs a call to a dependency, retrying it while the dependency is away (see dependency-retry.ts). */
export type DependencyCall = <T>(what: string, call: () => Promise<T>) => Promise<T>;

/** Why a run stopped between two steps without an outcome of its own. */
export type StopReason = 'cancelled' | 'shutdown';

/**
 * Thrown between steps when the run must not go on: the orchestrator answered `cancelled` (the
 * run was cancelled or is already final) or the worker is shutting down and hands the run back.
 * The worker reports nothing for it.
 */
export class RunStopped extends Error {
  override readonly name = 'RunStopped';
  constructor(
    readonly reason: StopReason,
    readonly runId: string,
    readonly beforeSeq: number,
  ) {
    super(`run ${runId} stopped before step ${beforeSeq}: ${reason === 'cancelled' ? 'cancelled (or already final)' : 'the worker is shutting down'}`);
  }
}

/**
 * Thrown when the run is parked on an escalation (its approval step is begun, the orchestrator
 * has it `waiting`): this delivery ends without an outcome, its message is acked and the slot
 * freed. The orchestrator re-queues the run when the escalation is decided.
 */
export class RunParked extends Error {
  override readonly name = 'RunParked';
  constructor(
    readonly runId: string,
    readonly stepId: string,
    readonly escalationId: string,
  ) {
    super(`run ${runId} is waiting for escalation ${escalationId} (approval step ${stepId})`);
  }
}

/** What an approval step's opener reports: parked (end this delivery) or decided meanwhile (replay the step). */
export type ApprovalOpening = { parked: true; escalationId: string } | { parked: false; cancelled?: boolean };

/** A step's outcome: its result (JSON text) or its error message; `replayed` when it came from the journal. */
export interface StepOutcome {
  resultJson: string;
  error: string;
  replayed: boolean;
  stepId: string;
}

/** An error a step ends with that is its recorded outcome (a tool that failed), not a reason to retry. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * Largest step result the orchestrator's journal keeps (768 KiB, so a CompleteStepRequest fits a
 * NATS message); a larger one completes the step with the error "result too large" (a tool error).
 */
export const MAX_STEP_RESULT_BYTES = 786_432;
/** Longest step error sent to the journal; longer ones are cut with a note. */
export const MAX_STEP_ERROR_BYTES = 16_384;

function cut(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= maxBytes) return text;
  return `${new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '')}… [truncated: ${bytes.byteLength} bytes]`;
}

export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * The steps of one execution of a run, numbered 1, 2, 3… in the order the run makes them. Each
 * step asks the journal first (begin): a completed step is replayed from its stored result and
 * not executed; a new one is executed and its result stored (complete) before the run moves on.
 * The models are deterministic given the same replayed results (the offline model is), so a redelivered
 * run takes the same path and reaches the same step numbers.
 */
export class RunSteps {
  private seq = 0;

  /** The run's tenant (e.g. for a tenant's own provider key). */
  get tenant(): TenantId {
    return this.tenantId;
  }

  /** The run's id. */
  get run(): string {
    return this.runId;
  }

  private stopped: StopReason | undefined;

  constructor(
    private readonly journal: StepJournalRepository,
    private readonly tenantId: TenantId,
    private readonly runId: string,
    private readonly attempt: number,
    private readonly workerId: string,
    private readonly signal?: AbortSignal,
    /** How begin/complete reach the journal: retried while the orchestrator or NATS is away (the default calls once). */
    private readonly dependency: DependencyCall = (_what, call) => call(),
  ) {}

  /** Steps replayed from the journal so far in this execution. */
  replayed = 0;
  /** Steps executed (not replayed) so far in this execution. */
  executed = 0;

  /** Throws RunStopped when the run was cancelled meanwhile or the worker is handing it back. */
  checkpoint(): void {
    const reason = this.stopped ?? (this.signal?.aborted ? 'shutdown' : undefined);
    if (reason) throw new RunStopped(reason, this.runId, this.seq + 1);
  }

  /**
   * Runs one step: `execute` resolves with the result JSON text, or rejects with a StepFailure
   * (recorded as the step's error). Any other rejection (e.g. the model provider is unavailable)
   * leaves the step started and propagates: a later delivery executes it again.
   */
  async step(kind: 'model' | 'tool' | 'memory', name: string, request: unknown, execute: (stepId: string) => Promise<string>): Promise<StepOutcome> {
    this.checkpoint();
    // One span per step (a child of the run's span): its journal calls and the model/tool/memory call inside it.
    return withSpan(`step ${kind} ${name}`, { attributes: { 'af.run.id': this.runId, 'af.step.kind': kind, 'af.step.name': name, 'af.step.seq': this.seq + 1 } }, async (span) => {
      const outcome = await this.runStep(kind, name, request, execute);
      span.setAttribute('af.step.replayed', outcome.replayed);
      if (outcome.error) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error.slice(0, 256) });
      return outcome;
    });
  }

  private async runStep(kind: 'model' | 'tool' | 'memory', name: string, request: unknown, execute: (stepId: string) => Promise<string>): Promise<StepOutcome> {
    const seq = ++this.seq;
    const begun = await this.begin(kind, name, request, seq);
    const stepId = `${this.runId}/${seq}`;
    if (begun.decision === 'replay') {
      this.replayed++;
      return { resultJson: begun.step?.resultJson ?? '', error: begun.step?.error ?? '', replayed: true, stepId };
    }
    const started = performance.now();
    let resultJson = '';
    let error = '';
    try {
      resultJson = await execute(stepId);
    } catch (failure) {
      if (!(failure instanceof StepFailure)) throw failure;
      error = failure.message || 'step failed';
    }
    this.executed++;
    const resultBytes = Buffer.byteLength(resultJson, 'utf8');
    if (resultBytes > MAX_STEP_RESULT_BYTES) {
      error = `result too large (${resultBytes} bytes; a step result may have at most ${MAX_STEP_RESULT_BYTES})`;
      resultJson = '';
    }
    error = cut(error, MAX_STEP_ERROR_BYTES);
    // The result is in memory: storing it late (after an outage of the orchestrator or NATS) is
    // still exactly once, so the completion is retried rather than the step executed again.
    const completion = { runId: this.runId, seq, resultJson, error, durationMs: performance.now() - started, attempt: this.attempt, workerId: this.workerId };
    const done = await this.dependency(`complete step ${this.runId}/${seq}`, () => this.journal.complete(this.tenantId, completion));
    if (done.cancelled) this.stopped = 'cancelled';
    // The stored outcome (the first completion wins; an oversized result is stored as an error).
    return { resultJson: done.step?.resultJson ?? resultJson, error: done.step?.error ?? error, replayed: false, stepId };
  }

  /**
   * An approval step (kind `approval`): the run waits for a human's decision on `request`. A
   * completed step is replayed with the decision the orchestrator stored (JSON). A new (or begun,
   * undecided) one calls `open(stepId, seq)`, which opens the escalation (idempotent on the step
   * id) and parks the run: parked → RunParked is thrown (this delivery ends); decided before the
   * park arrived → the step is begun again and replays the decision. The worker never completes
   * an approval step itself.
   */
  async approval(name: string, request: unknown, open: (stepId: string, seq: number) => Promise<ApprovalOpening>): Promise<StepOutcome> {
    this.checkpoint();
    const seq = ++this.seq;
    const stepId = `${this.runId}/${seq}`;
    for (let round = 0; ; round++) {
      const begun = await this.begin('approval', name, request, seq);
      if (begun.decision === 'replay') {
        this.replayed++;
        return { resultJson: begun.step?.resultJson ?? '', error: begun.step?.error ?? '', replayed: true, stepId };
      }
      const opening = await open(stepId, seq);
      if (opening.parked) throw new RunParked(this.runId, stepId, opening.escalationId);
      if (opening.cancelled) {
        this.stopped = 'cancelled';
        throw new RunStopped('cancelled', this.runId, seq);
      }
      // Decided between our begin and our park: the step is completed now; a second round replays it.
      if (round >= 2) throw new Error(`approval step ${stepId} is neither parked nor decided after ${round + 1} rounds`);
    }
  }

  private async begin(kind: 'model' | 'tool' | 'approval' | 'memory', name: string, request: unknown, seq: number) {
    const begin = { runId: this.runId, seq, kind, name, requestHash: requestHash(request), attempt: this.attempt, workerId: this.workerId };
    const begun = await this.dependency(`begin step ${this.runId}/${seq}`, () => this.journal.begin(this.tenantId, begin));
    if (begun.decision === 'cancelled') {
      this.stopped = 'cancelled';
      throw new RunStopped('cancelled', this.runId, seq);
    }
    return begun;
  }
}

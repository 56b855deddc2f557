import { Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { BeginStepReplySchema, BeginStepRequest, CompleteStepReplySchema, CompleteStepRequest, RunStepSchema, TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { JournalRepository, type StepKind, type StepRow } from './journal.repository.js';

/**
 * Largest step result the journal keeps (768 KiB): a CompleteStepRequest must fit NATS's default
 * 1 MiB max_payload with its other fields. A larger result completes the step with the error
 * "result too large" (the worker's sandbox refuses tool results over WORKER_SANDBOX_MAX_RESULT_BYTES,
 * whose maximum is this bound, so a tool normally fails with a clear tool error first).
 */
export const MAX_STEP_RESULT_BYTES = 786_432;
/** Longest step error message kept. */
const MAX_STEP_ERROR_BYTES = 16_384;

/** A run in one of these statuses starts no new step. */
const STOPPED = new Set(['succeeded', 'failed', 'cancelled', 'dead_lettered']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const KINDS = new Set<string>(['model', 'tool', 'approval', 'memory']);

type BeginReply = MessageInitShape<typeof BeginStepReplySchema>;
type CompleteReply = MessageInitShape<typeof CompleteStepReplySchema>;

/**
 * The step journal of runs (issue 8, exactly-once effects). Before each step the worker asks
 * `begin`: a stopped run → `cancelled`; a completed step → `replay` with its stored result (the
 * same request, else CONFLICT: the run is not deterministic); otherwise the step is recorded as
 * started → `proceed`. After the step, `complete` stores its result once (the first completion
 * wins) before the run moves on.
 */
@Injectable()
export class JournalService {
  constructor(private readonly journal: JournalRepository) {}

  async begin(tenantId: TenantId, request: BeginStepRequest): Promise<BeginReply> {
    checkStepAddress(request.runId, request.seq);
    if (!KINDS.has(request.kind)) throw AppError.invalid(`step kind must be model, tool, approval or memory, got "${request.kind}"`, '/kind');
    if (!request.name) throw AppError.invalid('step name is required', '/name');
    if (!SHA256_HEX.test(request.requestHash)) throw AppError.invalid('requestHash must be a sha-256 in lowercase hex', '/requestHash');
    // One statement: the run's status, the step as stored before, and the step recorded as started
    // unless the run is stopped or the step completed.
    const start = { seq: request.seq, kind: request.kind as StepKind, name: request.name, requestHash: request.requestHash, attempt: request.attempt, workerId: request.workerId };
    const { status, before, started } = await this.journal.begin(tenantId, request.runId, start, [...STOPPED]);
    // Another tenant's run is indistinguishable from a missing one.
    if (status === null) throw AppError.notFound(`run ${request.runId}`, '/runId');
    if (STOPPED.has(status)) return { decision: 'cancelled' };
    if (before?.state === 'completed') return this.replay(before, request);
    if (started) return { decision: 'proceed', step: toRunStep(started) };
    // Completed between the statement's snapshot and its write (another delivery of the same run).
    const completed = await this.journal.find(tenantId, request.runId, request.seq);
    if (completed?.state !== 'completed') throw new AppError(ErrorCode.Unavailable, `step ${request.runId}/${request.seq} could not be recorded; retry`);
    return this.replay(completed, request);
  }

  async complete(tenantId: TenantId, request: CompleteStepRequest): Promise<CompleteReply> {
    checkStepAddress(request.runId, request.seq);
    const oversized = Buffer.byteLength(request.resultJson, 'utf8') > MAX_STEP_RESULT_BYTES;
    const result = {
      resultJson: oversized || request.error ? null : request.resultJson,
      error: oversized ? `result too large (${Buffer.byteLength(request.resultJson, 'utf8')} bytes; a step result may have at most ${MAX_STEP_RESULT_BYTES})` : cut(request.error, MAX_STEP_ERROR_BYTES),
      durationMs: Number.isFinite(request.durationMs) && request.durationMs >= 0 ? request.durationMs : 0,
      attempt: request.attempt,
      workerId: request.workerId,
    };
    const { status, step: stored } = await this.journal.completeWithStatus(tenantId, request.runId, request.seq, result);
    // Another tenant's run is indistinguishable from a missing one.
    if (status === null) throw AppError.notFound(`run ${request.runId}`, '/runId');
    if (!stored) throw new AppError(ErrorCode.PreconditionFailed, `step ${request.runId}/${request.seq} was never begun`, { path: '/seq' });
    if (stored.kind === 'approval' && stored.state === 'started') {
      throw new AppError(ErrorCode.PreconditionFailed, `step ${stored.stepId} is an approval: only its escalation's decision completes it`, { path: '/seq' });
    }
    return { step: toRunStep(stored), cancelled: STOPPED.has(status) };
  }

  private replay(step: StepRow, request: BeginStepRequest): BeginReply {
    if (step.requestHash !== request.requestHash || step.kind !== request.kind || step.name !== request.name) {
      throw new AppError(
        ErrorCode.Conflict,
        `non-deterministic replay: step ${step.stepId} was recorded as ${step.kind} "${step.name}" with request ${step.requestHash.slice(0, 12)}…, now it is ${request.kind} "${request.name}" with request ${request.requestHash.slice(0, 12)}…`,
        { path: '/requestHash', details: { stepId: step.stepId } },
      );
    }
    return { decision: 'replay', step: toRunStep(step) };
  }
}

function checkStepAddress(runId: string, seq: number): void {
  if (!UUID.test(runId)) throw AppError.invalid(`runId "${runId.slice(0, 64)}" is not a UUID`, '/runId');
  if (!Number.isInteger(seq) || seq < 1) throw AppError.invalid(`seq must be a positive integer, got ${seq}`, '/seq');
}

function cut(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= maxBytes) return text;
  return `${new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '')} [truncated: ${bytes.byteLength} bytes]`;
}

function toRunStep(row: StepRow): MessageInitShape<typeof RunStepSchema> {
  return {
    stepId: row.stepId,
    seq: row.seq,
    kind: row.kind,
    name: row.name,
    requestHash: row.requestHash,
    state: row.state,
    resultJson: row.resultJson ?? '',
    error: row.error,
    attempt: row.attempt,
    workerId: row.workerId,
    durationMs: row.durationMs,
  };
}

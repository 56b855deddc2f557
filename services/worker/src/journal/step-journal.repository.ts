import { Injectable } from '@nestjs/common';
import type { BeginStepReply, CompleteStepReply, TenantId } from '@af/contracts';
import { MessageBus } from '@af/messaging';

export interface StepBegin {
  runId: string;
  seq: number;
  kind: 'model' | 'tool' | 'approval' | 'memory';
  name: string;
  requestHash: string;
  attempt: number;
  workerId: string;
}

export interface StepCompletion {
  runId: string;
  seq: number;
  resultJson: string;
  error: string;
  durationMs: number;
  attempt: number;
  workerId: string;
}

/**
 * The orchestrator's step journal, seen from the worker (`af.v1.runs.steps.begin/complete`).
 * Errors are AppErrors: UNAVAILABLE/TIMEOUT when the orchestrator cannot answer (the run is
 * retried and replays what is stored), CONFLICT for a non-deterministic replay, NOT_FOUND for a
 * run the orchestrator does not know.
 */
@Injectable()
export class StepJournalRepository {
  constructor(private readonly bus: MessageBus) {}

  begin(tenantId: TenantId, step: StepBegin): Promise<BeginStepReply> {
    return this.bus.request('af.v1.runs.steps.begin', step, { tenantId });
  }

  complete(tenantId: TenantId, step: StepCompletion): Promise<CompleteStepReply> {
    return this.bus.request('af.v1.runs.steps.complete', step, { tenantId });
  }
}

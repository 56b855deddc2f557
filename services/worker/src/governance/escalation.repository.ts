import { Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { EscalationReply, OpenEscalationRequestSchema, RunReply, TenantId } from '@af/contracts';
import { MessageBus } from '@af/messaging';

export type OpenEscalation = MessageInitShape<typeof OpenEscalationRequestSchema>;

export interface ParkRun {
  runId: string;
  seq: number;
  escalationId: string;
  attempt: number;
  workerId: string;
  reason: string;
}

/**
 * Escalations seen from the worker: open one with the governance service
 * (`af.v1.escalations.open`, idempotent on the approval step id) and park the run with the
 * orchestrator (`af.v1.runs.park`). Errors are AppErrors: UNAVAILABLE/TIMEOUT when the owner
 * cannot answer — the run is handed back and retried, never called unapproved.
 */
@Injectable()
export class EscalationRepository {
  constructor(private readonly bus: MessageBus) {}

  open(tenantId: TenantId, request: OpenEscalation): Promise<EscalationReply> {
    return this.bus.request('af.v1.escalations.open', request, { tenantId });
  }

  park(tenantId: TenantId, request: ParkRun): Promise<RunReply> {
    return this.bus.request('af.v1.runs.park', request, { tenantId });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Escalation, EscalationChanged, TenantId } from '@af/contracts';
import { LOGGER, type Logger } from '@af/observability';
import { RunService } from '../runs/run.service.js';

/** Escalation kinds a run waits for (a deployment escalation is the deployment service's). */
const RUN_KINDS = new Set(['tool_call', 'low_confidence']);
const STEP_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([1-9][0-9]{0,8})$/;

/** What the approval step of the run is completed with — what the resumed worker replays. */
export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  escalationId: string;
  /** Subjects who approved (quorum: several). */
  approvers: string[];
  /** Who closed it: an approver, a rejecter, or "policy" (the last level's deadline passed). */
  decidedBy: string;
  reason: string;
  /** Rejected: the run's error message (who rejected it and why), which a worker replaying the step reports too. */
  message?: string;
}

/** The decision a run's approval step records for a decided escalation. */
export function approvalDecisionOf(escalation: Escalation): ApprovalDecision {
  return {
    decision: escalation.status === 'approved' ? 'approved' : 'rejected',
    escalationId: escalation.id,
    approvers: escalation.decisions.filter((d) => d.decision === 'approve').map((d) => d.actor),
    decidedBy: escalation.decidedBy,
    reason: escalation.decisionReason,
    ...(escalation.status === 'approved' ? {} : { message: rejectionMessage(escalation) }),
  };
}

/** The run's error message for a rejection: who rejected it and why, or "policy" at the deadline. */
export function rejectionMessage(escalation: Pick<Escalation, 'id' | 'kind' | 'tool' | 'decidedBy' | 'decisionReason'>): string {
  const what = escalation.kind === 'tool_call' ? `the call of "${escalation.tool}"` : 'the low-confidence answer';
  const by = escalation.decidedBy === 'policy' ? 'policy (no decision before the last deadline)' : escalation.decidedBy || 'an approver';
  return `escalation ${escalation.id} for ${what} was rejected by ${by}${escalation.decisionReason ? `: ${escalation.decisionReason}` : ''}`;
}

/**
 * A decided escalation moves the run that waits for it: approved → its approval step is
 * completed with the decision and the run re-queued (a new dispatch; the worker replays every
 * earlier step, then executes the approved call once); rejected → the step is completed with the
 * decision and the run fails with APPROVAL_REJECTED. Redelivery changes nothing twice (the step's
 * first completion wins, the run moves only from `waiting` for this escalation).
 */
@Injectable()
export class EscalationService {
  constructor(
    private readonly runs: RunService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onDecided(tenantId: TenantId, event: EscalationChanged): Promise<void> {
    const escalation = event.escalation;
    if (!escalation || !RUN_KINDS.has(escalation.kind)) return;
    if (escalation.status !== 'approved' && escalation.status !== 'rejected') {
      this.logger.warn({ escalationId: escalation.id, status: escalation.status }, 'decided event for an undecided escalation: ignored');
      return;
    }
    const step = STEP_ID.exec(escalation.stepId);
    if (!step || step[1] !== escalation.runId) {
      this.logger.warn({ escalationId: escalation.id, runId: escalation.runId, stepId: escalation.stepId }, 'decided escalation names no approval step of its run: ignored');
      return;
    }
    const approved = escalation.status === 'approved';
    const result = await this.runs.settleApproval(tenantId, {
      runId: escalation.runId,
      seq: Number(step[2]),
      escalationId: escalation.id,
      decision: { ...approvalDecisionOf(escalation) },
      approved,
      ...(approved ? {} : { failure: { message: rejectionMessage(escalation) } }),
    });
    this.logger.info(
      { runId: escalation.runId, escalationId: escalation.id, decision: escalation.status, decidedBy: escalation.decidedBy, stepCompleted: result.stepCompleted, moved: result.transition.moved },
      approved ? 'escalation approved: run re-queued' : 'escalation rejected: run failed',
    );
  }
}

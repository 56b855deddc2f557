import type { MessageInitShape } from '@bufbuild/protobuf';
import type { EscalationSchema } from '@af/contracts';
import type { StoredLevel } from './escalation-policy.js';

export type EscalationMessage = MessageInitShape<typeof EscalationSchema>;

export type EscalationStatus = 'pending' | 'approved' | 'rejected';

/** An escalation as the repository reads it. */
export interface EscalationRow {
  id: string;
  tenantId: string;
  kind: string;
  status: EscalationStatus;
  runId: string;
  stepId: string;
  agent: string;
  version: number;
  tool: string;
  argumentsJson: string;
  risk: string;
  rule: string;
  reason: string;
  requestedBy: string;
  requiredPermission: string;
  quorum: number;
  levels: StoredLevel[];
  level: number;
  deadline: Date;
  decidedAt: Date | null;
  decidedBy: string;
  decisionReason: string;
  detailsJson: string;
  correlationId: string;
  createdAt: Date;
  decisions: DecisionRow[];
}

export interface DecisionRow {
  actor: string;
  decision: 'approve' | 'reject';
  reason: string;
  level: number;
  at: Date;
}

export function approvalsOf(row: Pick<EscalationRow, 'decisions'>): number {
  return row.decisions.filter((d) => d.decision === 'approve').length;
}

export function toEscalationMessage(row: EscalationRow): EscalationMessage {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    runId: row.runId,
    stepId: row.stepId,
    agent: row.agent,
    version: row.version,
    tool: row.tool,
    argumentsJson: row.argumentsJson,
    risk: row.risk,
    rule: row.rule,
    reason: row.reason,
    requestedBy: row.requestedBy,
    requiredPermission: row.requiredPermission,
    quorum: row.quorum,
    level: row.level,
    levels: row.levels.length,
    levelRoles: row.levels[row.level - 1]?.roles ?? [],
    deadline: row.deadline.toISOString(),
    decisions: row.decisions.map((d) => ({ actor: d.actor, decision: d.decision, reason: d.reason, level: d.level, at: d.at.toISOString() })),
    decidedAt: row.decidedAt ? row.decidedAt.toISOString() : '',
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    createdAt: row.createdAt.toISOString(),
    detailsJson: row.detailsJson,
    correlationId: row.correlationId,
  };
}

import { Injectable } from '@nestjs/common';
import { permissionsOf, type ArtifactDocument, type Caller, type Escalation, type TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import { isRealWorldAgent } from '@af/blueprint-format';

/** The validation finding that an approval (or ApproveRealWorld) answers: the deploy path waives it and asks governance instead. */
export const REAL_WORLD_VALIDATION_FINDING = 'REAL_WORLD_REQUIRES_ADMINISTRATOR';
/** The policy finding a refused realWorld deploy names (403 APPROVAL_REQUIRED details). */
export const REAL_WORLD_DEPLOY_FINDING = 'REALWORLD_DEPLOY_NEEDS_ADMIN';

/** An approved deployment escalation: the deployment it allows, and who approved it. */
export interface DeploymentGrant {
  escalationId: string;
  artifactHash: string;
  version: number;
  approvedBy: string[];
}

/** What a deployment escalation carries in details_json. */
export interface DeploymentRequestDetails {
  agent: string;
  version: number;
  artifactHash: string;
  requestedBy: string;
  requesterRoles: string[];
  finding: { tier: 'policy'; code: string; path: string; message: string };
}

export function mayDeployRealWorld(caller: Caller | undefined): boolean {
  return !!caller && permissionsOf(caller.roles, caller.permissions).includes('ApproveRealWorld');
}

export function grantOf(e: Escalation, details: DeploymentRequestDetails): DeploymentGrant {
  return { escalationId: e.id, artifactHash: details.artifactHash, version: details.version, approvedBy: e.decisions.filter((d) => d.decision === 'approve').map((d) => d.actor) };
}

/** The details of a deployment escalation, checked (they travel as JSON); null when they are not a deployment request's. */
export function deploymentDetailsOf(e: Escalation): DeploymentRequestDetails | null {
  try {
    const d = JSON.parse(e.detailsJson) as Partial<DeploymentRequestDetails>;
    if (typeof d.agent !== 'string' || typeof d.version !== 'number' || typeof d.artifactHash !== 'string' || typeof d.requestedBy !== 'string') return null;
    return { ...(d as DeploymentRequestDetails), requesterRoles: Array.isArray(d.requesterRoles) ? d.requesterRoles.filter((r): r is string => typeof r === 'string') : [] };
  } catch {
    return null;
  }
}

/**
 * EMMA's rule at deploy time: a realWorld agent goes live only with an Administrator's approval.
 * A caller without ApproveRealWorld gets an escalation (kind deployment) in the governance
 * service instead of a deployment; its approval deploys on the caller's behalf (ApprovedDeploymentService).
 */
@Injectable()
export class DeploymentApprovals {
  constructor(
    private readonly bus: MessageBus,
    private readonly audit: AuditTrail,
  ) {}

  /** Whether the compiled artifact is a realWorld agent ({@link isRealWorldAgent}: one predicate for the platform). */
  async isRealWorld(tenantId: TenantId, artifactHash: string): Promise<boolean> {
    const reply = await this.bus.request('af.v1.compilation.artifact.get', { artifactHash }, { tenantId });
    return isRealWorldAgent(JSON.parse(reply.artifactJson) as ArtifactDocument);
  }

  /**
   * Opens (idempotently: one escalation per agent, version, artifact and requester) the request
   * for an Administrator's approval. Still pending → 403 APPROVAL_REQUIRED naming the policy
   * finding and the escalation; rejected → 409 APPROVAL_REJECTED with the decision; approved
   * (earlier) → the grant, and the deployment goes ahead now.
   */
  async request(tenantId: TenantId, input: { agent: string; version: number; artifactHash: string; caller: Caller | undefined }): Promise<DeploymentGrant> {
    const requestedBy = input.caller?.subject || 'unknown';
    const finding = {
      tier: 'policy' as const,
      code: REAL_WORLD_DEPLOY_FINDING,
      path: '/spec/actions/maxAllowedScope',
      message: `${input.agent} is a realWorld agent: it goes live only with the approval of an Administrator (ApproveRealWorld), which ${requestedBy} does not hold`,
    };
    const details: DeploymentRequestDetails = { agent: input.agent, version: input.version, artifactHash: input.artifactHash, requestedBy, requesterRoles: input.caller?.roles ?? [], finding };
    const { escalation, created } = await this.bus.request(
      'af.v1.escalations.open',
      {
        idempotencyKey: `deploy:${input.agent}:${input.version}:${input.artifactHash}:${requestedBy}`,
        kind: 'deployment',
        agent: input.agent,
        version: input.version,
        risk: 'realWorld',
        rule: 'deploy:realWorld',
        reason: `deploy ${input.agent} version ${input.version} (artifact ${input.artifactHash})`,
        requestedBy,
        requiredPermission: 'ApproveRealWorld',
        detailsJson: JSON.stringify(details),
      },
      { tenantId },
    );
    if (!escalation) throw new AppError(ErrorCode.Unavailable, 'the governance service returned no escalation');
    if (escalation.status === 'approved') return grantOf(escalation, details);
    if (escalation.status === 'rejected') {
      throw new AppError(ErrorCode.ApprovalRejected, `the request to deploy ${input.agent} version ${input.version} was rejected by ${escalation.decidedBy}: ${escalation.decisionReason}`, {
        path: '/agent',
        details: { escalationId: escalation.id, decidedBy: escalation.decidedBy, reason: escalation.decisionReason },
      });
    }
    if (created) {
      await this.audit.record({
        action: 'deployment.approval_requested',
        actor: requestedBy,
        resourceType: 'agent',
        resourceId: input.agent,
        outcome: 'denied',
        details: { agent: input.agent, version: input.version, artifactHash: input.artifactHash, escalationId: escalation.id, finding: finding.code },
        eventId: `deployment.approval_requested:${escalation.id}`,
        tenantId,
      });
    }
    throw new AppError(ErrorCode.ApprovalRequired, `${finding.message}; an approval was requested (escalation ${escalation.id})`, {
      path: '/agent',
      details: { escalationId: escalation.id, finding },
    });
  }
}

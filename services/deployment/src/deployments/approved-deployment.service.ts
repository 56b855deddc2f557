import { Inject, Injectable } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import { CallerSchema, type EscalationChanged, type TenantId } from '@af/contracts';
import { AuditTrail } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { deploymentDetailsOf, grantOf } from './deployment-approvals.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentService } from './deployment.service.js';

/**
 * Consumer deployment-escalations: a decided deployment escalation. Approved → the deployment is
 * made on the requester's behalf (created_by = requester, approved_escalation_id recorded, audited
 * with the approvers); rejected → nothing is deployed (audited). Idempotent: a redelivered
 * approval finds the deployment it already made.
 */
@Injectable()
export class ApprovedDeploymentService {
  constructor(
    private readonly deployments: DeploymentService,
    private readonly repository: DeploymentRepository,
    private readonly audit: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onEscalationDecided(tenantId: TenantId, event: EscalationChanged): Promise<void> {
    const escalation = event.escalation;
    if (!escalation || escalation.kind !== 'deployment') return;
    const details = deploymentDetailsOf(escalation);
    if (!details) {
      this.logger.warn({ escalationId: escalation.id }, 'deployment escalation without deployment details: ignored');
      return;
    }
    if (escalation.status === 'rejected') {
      await this.audit.record({
        action: 'deployment.rejected',
        actor: escalation.decidedBy === 'policy' ? 'system:governance' : escalation.decidedBy,
        resourceType: 'agent',
        resourceId: details.agent,
        outcome: 'denied',
        details: { agent: details.agent, version: details.version, requestedBy: details.requestedBy, escalationId: escalation.id, reason: escalation.decisionReason },
        eventId: `deployment.rejected:${escalation.id}`,
        tenantId,
      });
      return;
    }
    if (escalation.status !== 'approved') return;
    const done = await this.repository.findByEscalation(tenantId, escalation.id);
    if (done) return;
    const reply = await this.deployments.deploy(
      tenantId,
      { agent: details.agent, version: details.version, caller: create(CallerSchema, { subject: details.requestedBy, roles: details.requesterRoles }) },
      grantOf(escalation, details),
    );
    this.logger.info({ escalationId: escalation.id, deploymentId: reply.deployment?.deploymentId, requestedBy: details.requestedBy }, 'approved deployment made on the requester’s behalf');
  }
}

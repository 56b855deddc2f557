import { Module } from '@nestjs/common';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { AgentArchiveService } from './agent-archive.service.js';
import { ApprovedDeploymentService } from './approved-deployment.service.js';
import { DeploymentApprovals } from './deployment-approvals.js';
import { EscalationDecidedHandler } from './escalation-decided.handler.js';
import { BlueprintArchiveHandler } from './blueprint-archive.handler.js';
import { DeploymentDeactivationRepository } from './deployment-deactivation.repository.js';
import { DeploymentHandler } from './deployment.handler.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentService } from './deployment.service.js';

@Module({
  controllers: [DeploymentHandler, BlueprintArchiveHandler, EscalationDecidedHandler],
  providers: [DeploymentService, DeploymentRepository, ActiveDeploymentRepository, AgentArchiveService, DeploymentDeactivationRepository, DeploymentApprovals, ApprovedDeploymentService],
})
export class DeploymentsModule {}

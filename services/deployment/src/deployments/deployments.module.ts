import { Module, type DynamicModule } from '@nestjs/common';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { AgentArchiveService } from './agent-archive.service.js';
import { AgentHealthHandler } from './agent-health.handler.js';
import { ApprovedDeploymentService } from './approved-deployment.service.js';
import { DeploymentApprovals } from './deployment-approvals.js';
import { DeploymentControlService } from './deployment-control.service.js';
import { DeploymentSwitchboard } from './deployment-switchboard.js';
import { DeploymentWatch } from './deployment-watch.js';
import { EscalationDecidedHandler } from './escalation-decided.handler.js';
import { BlueprintArchiveHandler } from './blueprint-archive.handler.js';
import { DeploymentDeactivationRepository } from './deployment-deactivation.repository.js';
import { DeploymentHandler } from './deployment.handler.js';
import { DEPLOYMENT_OPTIONS, type DeploymentOptions } from './deployment.options.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentService } from './deployment.service.js';
import { DraftEvalsService } from './draft-evals.service.js';

@Module({})
export class DeploymentsModule {
  static forRoot(options: DeploymentOptions): DynamicModule {
    return {
      module: DeploymentsModule,
      controllers: [DeploymentHandler, BlueprintArchiveHandler, EscalationDecidedHandler, AgentHealthHandler],
      providers: [
        { provide: DEPLOYMENT_OPTIONS, useValue: options },
        DeploymentService,
        DeploymentControlService,
        DraftEvalsService,
        DeploymentSwitchboard,
        DeploymentWatch,
        DeploymentRepository,
        ActiveDeploymentRepository,
        AgentArchiveService,
        DeploymentDeactivationRepository,
        DeploymentApprovals,
        ApprovedDeploymentService,
      ],
    };
  }
}

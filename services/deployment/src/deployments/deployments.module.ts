import { Module } from '@nestjs/common';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { AgentArchiveService } from './agent-archive.service.js';
import { BlueprintArchiveHandler } from './blueprint-archive.handler.js';
import { DeploymentDeactivationRepository } from './deployment-deactivation.repository.js';
import { DeploymentHandler } from './deployment.handler.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentService } from './deployment.service.js';

@Module({
  controllers: [DeploymentHandler, BlueprintArchiveHandler],
  providers: [DeploymentService, DeploymentRepository, ActiveDeploymentRepository, AgentArchiveService, DeploymentDeactivationRepository],
})
export class DeploymentsModule {}

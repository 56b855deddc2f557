import { Module } from '@nestjs/common';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { DeploymentHandler } from './deployment.handler.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentService } from './deployment.service.js';

@Module({
  controllers: [DeploymentHandler],
  providers: [DeploymentService, DeploymentRepository, ActiveDeploymentRepository],
})
export class DeploymentsModule {}

import { Module } from '@nestjs/common';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { RunHandler } from './run.handler.js';
import { RunRepository } from './run.repository.js';
import { RunService } from './run.service.js';

@Module({
  controllers: [RunHandler],
  providers: [RunService, RunRepository, ActiveDeploymentRepository],
})
export class RunsModule {}

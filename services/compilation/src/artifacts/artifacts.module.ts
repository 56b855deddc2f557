import { Module } from '@nestjs/common';
import { ArtifactHandler } from './artifact.handler.js';
import { ArtifactRepository } from './artifact.repository.js';
import { ArtifactService } from './artifact.service.js';

@Module({
  controllers: [ArtifactHandler],
  providers: [ArtifactService, ArtifactRepository],
})
export class ArtifactsModule {}

import { Module, type DynamicModule } from '@nestjs/common';
import { ArtifactCacheRepository } from './artifact-cache.repository.js';
import { ArtifactHandler } from './artifact.handler.js';
import { ArtifactRepository } from './artifact.repository.js';
import { ArtifactService } from './artifact.service.js';
import { ARTIFACTS_OPTIONS, type ArtifactsOptions } from './artifacts.options.js';

@Module({})
export class ArtifactsModule {
  static forRoot(options: ArtifactsOptions): DynamicModule {
    return {
      module: ArtifactsModule,
      controllers: [ArtifactHandler],
      providers: [{ provide: ARTIFACTS_OPTIONS, useValue: options }, ArtifactService, ArtifactRepository, ArtifactCacheRepository],
    };
  }
}

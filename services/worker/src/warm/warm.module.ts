import { Module, type DynamicModule } from '@nestjs/common';
import { ActiveDeploymentWatchRepository } from './active-deployment-watch.repository.js';
import { ArtifactWarmer } from './artifact-warmer.js';
import { RegistryWatch } from './registry-watch.js';
import { WarmHandler } from './warm.handler.js';

/**
 * Warm before switch: artifacts warmed on request (af.v1.workers.artifacts.warm) and on every
 * registry change. `runs` is the worker's runs module (its artifact cache, toolbox and validators).
 */
@Module({})
export class WarmModule {
  static forRoot(runs: DynamicModule): DynamicModule {
    return { module: WarmModule, imports: [runs], controllers: [WarmHandler], providers: [ArtifactWarmer, RegistryWatch, ActiveDeploymentWatchRepository], exports: [ArtifactWarmer] };
  }
}

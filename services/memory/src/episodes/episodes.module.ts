import { Module, type DynamicModule } from '@nestjs/common';
import { RunGraphRepository } from '../graph/run-graph.repository.js';
import { WorkingMemoryRepository } from '../working-memory/working-memory.repository.js';
import { EpisodeHandler } from './episode.handler.js';
import { EpisodeRepository } from './episode.repository.js';
import { EPISODES_OPTIONS, EpisodeService, type EpisodesOptions } from './episode.service.js';
import { KnownRunsRepository } from './known-runs.repository.js';
import { MemoryTiersService } from './memory-tiers.service.js';

@Module({})
export class EpisodesModule {
  static forRoot(options: EpisodesOptions): DynamicModule {
    return {
      module: EpisodesModule,
      controllers: [EpisodeHandler],
      providers: [{ provide: EPISODES_OPTIONS, useValue: options }, EpisodeService, MemoryTiersService, EpisodeRepository, KnownRunsRepository, WorkingMemoryRepository, RunGraphRepository],
    };
  }
}

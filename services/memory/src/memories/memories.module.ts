import { Module, type DynamicModule } from '@nestjs/common';
import { EMBEDDER, HashingEmbedder, OpenAiEmbedder } from './embedder.js';
import { MemoryHandler } from './memory.handler.js';
import { MemoryRepository } from './memory.repository.js';
import { MemoryRetention } from './memory-retention.js';
import { MemoryService } from './memory.service.js';
import { MEMORIES_OPTIONS, type MemoriesOptions } from './memories.options.js';
import { SemanticRepository } from './semantic.repository.js';
import { WorkingStoreRepository } from './working-store.repository.js';

/** Agent memory's three tiers and the af.v1.memory.* API. */
@Module({})
export class MemoriesModule {
  static forRoot(options: MemoriesOptions): DynamicModule {
    const embedder = options.embeddingsUrl
      ? new OpenAiEmbedder({ url: options.embeddingsUrl, model: options.embeddingsModel, apiKey: options.embeddingsApiKey, dimensions: options.embeddingsDimensions })
      : new HashingEmbedder(options.embeddingsDimensions);
    return {
      module: MemoriesModule,
      controllers: [MemoryHandler],
      providers: [{ provide: MEMORIES_OPTIONS, useValue: options }, { provide: EMBEDDER, useValue: embedder }, MemoryService, MemoryRepository, SemanticRepository, WorkingStoreRepository, MemoryRetention],
    };
  }
}

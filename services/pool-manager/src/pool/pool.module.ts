import { Module, type DynamicModule } from '@nestjs/common';
import { PoolController } from './pool.controller.js';
import { PoolMetrics } from './pool.metrics.js';
import { POOL_OPTIONS, PoolService, type PoolOptions } from './pool.service.js';
import { QueueDepthRepository } from './queue-depth.repository.js';
import { WORKER_PROCESS_OPTIONS, WorkerProcessRepository, type WorkerProcessOptions } from './worker-process.repository.js';

@Module({})
export class PoolModule {
  static forRoot(pool: PoolOptions, workers: WorkerProcessOptions): DynamicModule {
    return {
      module: PoolModule,
      controllers: [PoolController],
      providers: [
        { provide: POOL_OPTIONS, useValue: pool },
        { provide: WORKER_PROCESS_OPTIONS, useValue: workers },
        PoolMetrics,
        QueueDepthRepository,
        WorkerProcessRepository,
        PoolService,
      ],
    };
  }
}

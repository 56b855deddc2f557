import { Module, type DynamicModule } from '@nestjs/common';
import { DeadLettersModule } from '../dead-letters/dead-letters.module.js';
import { RECONCILER_OPTIONS, type ReconcilerOptions } from './reconciler.config.js';
import { ReconcilerRepository } from './reconciler.repository.js';
import { Reconciler } from './reconciler.service.js';

@Module({})
export class ReconcilerModule {
  static forRoot(options: ReconcilerOptions): DynamicModule {
    return {
      module: ReconcilerModule,
      imports: [DeadLettersModule],
      providers: [{ provide: RECONCILER_OPTIONS, useValue: options }, ReconcilerRepository, Reconciler],
    };
  }
}

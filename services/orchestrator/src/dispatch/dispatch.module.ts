import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DISPATCH_OPTIONS, type DispatchOptions } from './dispatch.config.js';
import { DispatchRepository } from './dispatch.repository.js';
import { Dispatcher } from './dispatch.service.js';

/** The dispatcher is global: submissions and finished runs (runs/) and dead-letter retries trigger it. */
@Global()
@Module({})
export class DispatchModule {
  static forRoot(options: DispatchOptions): DynamicModule {
    return {
      module: DispatchModule,
      providers: [{ provide: DISPATCH_OPTIONS, useValue: options }, DispatchRepository, Dispatcher],
      exports: [Dispatcher],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { ExternalEventsConsumer } from './external-events.consumer.js';
import { TriggerClock } from './trigger-clock.js';
import { TriggersHandler } from './triggers.handler.js';
import { TriggersRepository } from './triggers.repository.js';
import { TriggersService } from './triggers.service.js';
import { TRIGGERS_OPTIONS, type TriggersOptions } from './triggers.options.js';

@Module({})
export class TriggersModule {
  static forRoot(options: TriggersOptions): DynamicModule {
    return {
      module: TriggersModule,
      controllers: [TriggersHandler],
      providers: [{ provide: TRIGGERS_OPTIONS, useValue: options }, TriggersService, TriggersRepository, ActiveDeploymentRepository, TriggerClock, ExternalEventsConsumer],
    };
  }
}

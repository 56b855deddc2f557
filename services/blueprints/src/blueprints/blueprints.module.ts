import { Module, type DynamicModule } from '@nestjs/common';
import { BlueprintHandler } from './blueprint.handler.js';
import { BlueprintOutboxRelay } from './blueprint-outbox.relay.js';
import { BlueprintRepository } from './blueprint.repository.js';
import { BlueprintService } from './blueprint.service.js';
import { BLUEPRINTS_OPTIONS, type BlueprintsOptions } from './blueprints.options.js';
import { ValidationClient } from './validation.client.js';

@Module({})
export class BlueprintsModule {
  static forRoot(options: BlueprintsOptions): DynamicModule {
    return {
      module: BlueprintsModule,
      controllers: [BlueprintHandler],
      providers: [{ provide: BLUEPRINTS_OPTIONS, useValue: options }, BlueprintService, BlueprintRepository, ValidationClient, BlueprintOutboxRelay],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ValidationCacheRepository } from './validation-cache.repository.js';
import { ValidationHandler } from './validation.handler.js';
import { VALIDATION_OPTIONS, type ValidationOptions } from './validation.options.js';
import { ValidationService } from './validation.service.js';

@Module({})
export class ValidationModule {
  static forRoot(options: ValidationOptions): DynamicModule {
    return {
      module: ValidationModule,
      controllers: [ValidationHandler],
      providers: [{ provide: VALIDATION_OPTIONS, useValue: options }, ValidationService, ValidationCacheRepository],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { MeteringHandler } from './metering.handler.js';
import { MeteringRepository } from './metering.repository.js';
import { MeteringService } from './metering.service.js';
import { METERING_OPTIONS, type MeteringOptions } from './metering.options.js';
import { ReservationClock } from './reservation-clock.js';

@Module({})
export class MeteringModule {
  static forRoot(options: MeteringOptions): DynamicModule {
    return {
      module: MeteringModule,
      controllers: [MeteringHandler],
      providers: [{ provide: METERING_OPTIONS, useValue: options }, MeteringService, MeteringRepository, ReservationClock],
    };
  }
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Logger } from 'pino';
import { HealthController, HealthService } from './health.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics.js';

export const LOGGER = Symbol.for('af.logger');

export interface ObservabilityOptions {
  service: string;
  logger: Logger;
}

/**
 * Health probes, /metrics and the JSON logger for one service. HTTP requests are counted and
 * timed by the runtime's request hooks (`installHttpContext` in @af/runtime), not by a Nest
 * interceptor.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [DiscoveryModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: MetricsRegistry, useValue: new MetricsRegistry(options.service) },
        { provide: LOGGER, useValue: options.logger },
        HealthService,
      ],
      exports: [MetricsRegistry, LOGGER, HealthService],
    };
  }
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import type { Logger } from 'pino';
import { HealthController, HealthService } from './health.js';
import { HttpMetricsInterceptor } from './http-metrics.interceptor.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics.js';

export const LOGGER = Symbol.for('af.logger');

export interface ObservabilityOptions {
  service: string;
  logger: Logger;
}

/** Health probes, /metrics, the JSON logger and HTTP metrics for one service. */
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
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
      ],
      exports: [MetricsRegistry, LOGGER, HealthService],
    };
  }
}

import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { ReadinessProbe, type ReadinessCheck } from '@af/observability';
import { RateLimiter } from './rate-limiter.js';
import { RateLimitRepository } from './rate-limit.repository.js';
import { RATE_LIMIT_CONFIG, type RateLimitConfig } from './rate-limit.tokens.js';

/** With fail-closed rate limits a gateway without Redis refuses every request: it is not ready then (fail-closed quotas refuse only run submissions). */
@ReadinessProbe('rate-limit-redis')
@Injectable()
export class RateLimitReadinessProbe implements ReadinessCheck {
  constructor(private readonly repository: RateLimitRepository) {}

  check(): Promise<void> {
    return this.repository.ping();
  }
}

/** Rate limits per principal and run quotas per tenant (Redis); installed in HTTP by `installRateLimit`. */
@Module({})
export class RateLimitModule {
  static forRoot(config: RateLimitConfig): DynamicModule {
    const failsClosed = config.failureMode === 'closed';
    return {
      module: RateLimitModule,
      providers: [{ provide: RATE_LIMIT_CONFIG, useValue: config }, RateLimitRepository, RateLimiter, ...(failsClosed ? [RateLimitReadinessProbe] : [])],
      exports: [RateLimiter],
    };
  }
}


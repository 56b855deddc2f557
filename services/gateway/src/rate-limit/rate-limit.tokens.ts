import type { ConfigOf } from '@af/config';
import type { rateLimitConfigSpec } from './rate-limit.config.js';

export const RATE_LIMIT_CONFIG = Symbol.for('af.gateway.rate-limit');
export type RateLimitConfig = ConfigOf<typeof rateLimitConfigSpec>;

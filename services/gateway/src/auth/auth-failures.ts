import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AuditTrail } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { AUTH_CONFIG, type AuthConfig } from './auth.tokens.js';
import type { AuthenticationError, AuthFailureReason } from './authentication-error.js';

/** The most distinct (tenant, reason) pairs held between writes (beyond: counted and logged only). */
const MAX_BUCKETS = 1_000;
const MAX_SUBJECTS = 5;

interface Bucket {
  tenantId: string;
  reason: AuthFailureReason;
  count: number;
  firstAt: Date;
  lastAt: Date;
  subjects: Set<string>;
}

/**
 * Authentication failures, bounded: every failure is counted (metric `af_gateway_auth_failures_total`
 * by reason); those with a trustworthy tenant (a JWT whose signature verified, a known revoked or
 * expired API key) are aggregated per (tenant, reason) and written as ONE `auth.failed` audit
 * record per window (AF_AUTH_FAILURE_AUDIT_WINDOW_MS, a minute) with the count; the rest (garbage, bad signatures, unknown keys: anyone can
 * send them, and their tenant claim proves nothing) only reach the metric and one log line per
 * window. A flood of bad tokens costs a map increment, never a flood of audit records.
 */
@Injectable()
export class AuthFailureRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly failures: Counter<'reason' | 'audited'>;
  private buckets = new Map<string, Bucket>();
  private untrusted = new Map<AuthFailureReason, number>();
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly audit: AuditTrail,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.failures = metrics.counter('af_gateway_auth_failures_total', 'Refused credentials, by reason and whether the failure is audited (trusted tenant)', ['reason', 'audited']);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.failureAuditWindowMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  note(error: AuthenticationError): void {
    const tenantId = error.trusted.tenantId;
    this.failures.inc({ reason: error.reason, audited: tenantId ? 'true' : 'false' });
    if (!tenantId) {
      this.untrusted.set(error.reason, (this.untrusted.get(error.reason) ?? 0) + 1);
      return;
    }
    const key = `${tenantId}\u0000${error.reason}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) {
        this.dropped++;
        return;
      }
      bucket = { tenantId, reason: error.reason, count: 0, firstAt: new Date(), lastAt: new Date(), subjects: new Set() };
      this.buckets.set(key, bucket);
    }
    bucket.count++;
    bucket.lastAt = new Date();
    if (error.trusted.subject && bucket.subjects.size < MAX_SUBJECTS) bucket.subjects.add(error.trusted.subject);
  }

  /** Writes the window's aggregates (one audit record per tenant and reason) and starts a new window. */
  async flush(): Promise<void> {
    const buckets = [...this.buckets.values()];
    const untrusted = Object.fromEntries(this.untrusted);
    const dropped = this.dropped;
    this.buckets = new Map();
    this.untrusted = new Map();
    this.dropped = 0;
    if (Object.keys(untrusted).length > 0 || dropped > 0) this.logger.warn({ failures: untrusted, droppedTenants: dropped }, 'authentication failures without a trustworthy tenant in the last window');
    await Promise.all(
      buckets.map(async (b) => {
        const subjects = [...b.subjects];
        try {
          await this.audit.record({
            action: 'auth.failed',
            actor: subjects.length === 1 ? (subjects[0] as string) : 'anonymous',
            resourceType: 'credential',
            resourceId: b.reason,
            outcome: 'denied',
            tenantId: b.tenantId,
            at: b.lastAt,
            details: { reason: b.reason, count: b.count, from: b.firstAt.toISOString(), to: b.lastAt.toISOString(), subjects },
          });
        } catch (error) {
          this.logger.error({ err: error, tenantId: b.tenantId, reason: b.reason, count: b.count }, 'auth.failed could not be audited');
        }
      }),
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';
import { MetricsRegistry } from '@af/observability';

export type ResolutionOutcome = 'ok' | 'invalid' | 'not_found' | 'integrity_failed' | 'error';

/** The service's own metrics: resolutions by outcome, and the data keys each master key wraps (rotation progress). */
@Injectable()
export class SecretsMetrics {
  readonly resolutions: Counter<'outcome'>;
  readonly dataKeys: Gauge<'master_key_id'>;

  constructor(metrics: MetricsRegistry) {
    this.resolutions = metrics.counter('af_secret_resolutions_total', 'af.v1.secrets.resolve calls, by outcome (ok | invalid | not_found | integrity_failed | error)', ['outcome']);
    this.dataKeys = metrics.gauge('af_secrets_data_keys', 'Tenant data keys wrapped by each master key id (a retired key may leave SECRETS_MASTER_KEYS once at 0)', ['master_key_id']);
  }

  /** Sets the gauge from a full count (boot, after a rotation pass). */
  setDataKeyCounts(counts: ReadonlyMap<string, number>): void {
    this.dataKeys.reset();
    for (const [id, n] of counts) this.dataKeys.set({ master_key_id: id }, n);
  }

  keyCreated(masterKeyId: string): void {
    this.dataKeys.inc({ master_key_id: masterKeyId });
  }

  keyRewrapped(from: string, to: string): void {
    this.dataKeys.dec({ master_key_id: from });
    this.dataKeys.inc({ master_key_id: to });
  }
}

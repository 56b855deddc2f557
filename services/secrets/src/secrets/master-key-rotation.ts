import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';
import { DataKeys } from './data-keys.js';
import { SecretRepository } from './secret.repository.js';
import { SecretsMetrics } from './secrets.metrics.js';

const BATCH = 100;

/**
 * Master key rotation at boot: every tenant data key wrapped under a configured master key other
 * than the active one is re-wrapped under the active one (resolve and put also re-wrap lazily, on
 * use). Then one log line and the gauge say how many data keys each master key id still wraps: a
 * retired key may leave SECRETS_MASTER_KEYS once its count is 0.
 */
@Injectable()
export class MasterKeyRotation implements OnApplicationBootstrap {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly keys: DataKeys,
    private readonly metrics: SecretsMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.rewrapAll();
    } catch (error) {
      // The service still answers (keys under a configured old master key unwrap, and re-wrap on use).
      this.logger.warn({ err: error }, 'master key rotation pass failed; data keys are re-wrapped on use meanwhile');
    }
  }

  /** One pass; returns how many data keys were re-wrapped. */
  async rewrapAll(): Promise<number> {
    const active = this.keys.activeKeyId;
    const before = await this.secrets.keyCounts();
    const known = [...before.keys()].filter((id) => id !== active && this.keys.knows(id));
    let rewrapped = 0;
    let failed = 0;
    const skip = new Set<string>();
    while (known.length > 0) {
      const batch = (await this.secrets.keysToRewrap(active, known, BATCH + skip.size)).filter((k) => !skip.has(k.tenantId));
      if (batch.length === 0) break;
      for (const stored of batch) {
        try {
          const { rewrapped: to } = await this.keys.using(stored.tenantId, stored, () => undefined);
          if (to && (await this.secrets.rewrapKey(stored.tenantId, stored.masterKeyId, to))) rewrapped++;
        } catch (error) {
          // An altered wrapped key: left as it is (its tenant's resolves fail with a clear error), reported, not retried in this pass.
          failed++;
          skip.add(stored.tenantId);
          this.logger.error({ err: error, tenant: stored.tenantId, masterKeyId: stored.masterKeyId }, 'could not re-wrap a tenant data key');
        }
      }
    }
    const counts = await this.secrets.keyCounts();
    this.metrics.setDataKeyCounts(counts);
    const unconfigured = [...counts.keys()].filter((id) => !this.keys.knows(id));
    this.logger[unconfigured.length > 0 || failed > 0 ? 'warn' : 'info'](
      { activeMasterKey: active, dataKeysPerMasterKey: Object.fromEntries(counts), rewrapped, failed, unconfiguredMasterKeys: unconfigured },
      'tenant data keys per master key id',
    );
    return rewrapped;
  }
}

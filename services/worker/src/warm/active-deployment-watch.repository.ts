import { Injectable } from '@nestjs/common';
import { KvWatchInclude } from '@nats-io/kv';
import { ActiveDeploymentSchema, kvBuckets, parseTenantId, type TenantId } from '@af/contracts';
import { KvBuckets, decode } from '@af/messaging';

/** One registry entry as the watch sees it: the artifacts it names now (none: deleted), or why it could not be read. */
export type RegistryChange =
  | { key: string; isUpdate: boolean; tenantId: TenantId; artifacts: string[] }
  | { key: string; isUpdate: boolean; deleted: true }
  | { key: string; isUpdate: boolean; unreadable: Error };

/** A running watch: its changes (ends when stopped or the connection closes) and how to stop it. */
export interface RegistryWatcher {
  changes: AsyncIterable<RegistryChange>;
  stop(): void;
}

/**
 * Watches the registry of active deployments (KV `activeDeployments`, written by the deployment
 * service): kv.watch, an ordered consumer on KV_<bucket> granted by kvAccess.activeDeployments.watchers.
 * The entries present when it starts come first (isUpdate false), then every change.
 */
@Injectable()
export class ActiveDeploymentWatchRepository {
  constructor(private readonly buckets: KvBuckets) {}

  async watch(): Promise<RegistryWatcher> {
    const kv = await this.buckets.get(kvBuckets.activeDeployments);
    const entries = await kv.watch({ include: KvWatchInclude.LastValue });
    async function* changes(): AsyncIterable<RegistryChange> {
      for await (const entry of entries) {
        const { key, isUpdate } = entry;
        if (entry.operation !== 'PUT' || entry.value.length === 0) {
          yield { key, isUpdate, deleted: true };
          continue;
        }
        try {
          const tenantId = parseTenantId(key.slice(0, key.indexOf('.')));
          const active = decode(ActiveDeploymentSchema, entry.value);
          yield { key, isUpdate, tenantId, artifacts: [active.artifactHash, active.canary?.artifactHash ?? ''].filter((h) => h !== '') };
        } catch (error) {
          yield { key, isUpdate, unreadable: error instanceof Error ? error : new Error(String(error)) };
        }
      }
    }
    return { changes: changes(), stop: () => entries.stop() };
  }
}

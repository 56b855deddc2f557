import { Injectable } from '@nestjs/common';
import { ActiveDeploymentSchema, activeDeploymentKey, kvBuckets, type ActiveDeployment, type TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { KvBuckets, decode, encode } from '@af/messaging';
import type { MessageInitShape } from '@bufbuild/protobuf';

/**
 * The registry of active deployments in NATS KV (bucket af_active_deployments, key
 * `<tenant>.<agent>`): what the orchestrator reads to pick the version a new run starts on.
 * The bucket keeps history, so a later rollback can read earlier revisions.
 */
@Injectable()
export class ActiveDeploymentRepository {
  constructor(private readonly buckets: KvBuckets) {}

  async put(tenantId: TenantId, active: MessageInitShape<typeof ActiveDeploymentSchema>): Promise<number> {
    try {
      const kv = await this.buckets.get(kvBuckets.activeDeployments);
      return await kv.put(activeDeploymentKey(tenantId, active.agent ?? ''), encode(ActiveDeploymentSchema, active));
    } catch (error) {
      throw new AppError(ErrorCode.Unavailable, 'could not update the registry of active deployments', { cause: error });
    }
  }

  async find(tenantId: TenantId, agent: string): Promise<ActiveDeployment | null> {
    const kv = await this.buckets.get(kvBuckets.activeDeployments);
    const entry = await kv.get(activeDeploymentKey(tenantId, agent));
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return null;
    return decode(ActiveDeploymentSchema, entry.value);
  }

  /** The agent's entry with its revision (0 when there is none), for {@link replace}. */
  async entry(tenantId: TenantId, agent: string): Promise<{ revision: number; active: ActiveDeployment | null }> {
    try {
      const kv = await this.buckets.get(kvBuckets.activeDeployments);
      const entry = await kv.get(activeDeploymentKey(tenantId, agent));
      if (!entry) return { revision: 0, active: null };
      const live = entry.operation === 'PUT' && entry.value.length > 0;
      return { revision: entry.revision, active: live ? decode(ActiveDeploymentSchema, entry.value) : null };
    } catch (error) {
      throw new AppError(ErrorCode.Unavailable, 'could not read the registry of active deployments', { cause: error });
    }
  }

  /**
   * Writes the agent's entry only if it is still at `revision` (compare-and-set; 0: only if there
   * is no live entry). False when someone wrote it in between: read again and decide again.
   */
  async replace(tenantId: TenantId, active: MessageInitShape<typeof ActiveDeploymentSchema>, revision: number): Promise<boolean> {
    const key = activeDeploymentKey(tenantId, active.agent ?? '');
    try {
      const kv = await this.buckets.get(kvBuckets.activeDeployments);
      const value = encode(ActiveDeploymentSchema, active);
      if (revision === 0) await kv.create(key, value);
      else await kv.update(key, value, revision);
      return true;
    } catch (error) {
      if (/wrong last sequence|key exists/i.test((error as Error).message)) return false;
      throw new AppError(ErrorCode.Unavailable, 'could not update the registry of active deployments', { cause: error });
    }
  }

  /** Removes the agent's entry (a delete marker: the bucket keeps the earlier revisions). */
  async remove(tenantId: TenantId, agent: string): Promise<void> {
    try {
      const kv = await this.buckets.get(kvBuckets.activeDeployments);
      await kv.delete(activeDeploymentKey(tenantId, agent));
    } catch (error) {
      throw new AppError(ErrorCode.Unavailable, 'could not update the registry of active deployments', { cause: error });
    }
  }
}

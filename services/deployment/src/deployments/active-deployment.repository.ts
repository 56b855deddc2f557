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

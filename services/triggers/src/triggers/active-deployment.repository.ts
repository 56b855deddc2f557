import { Injectable } from '@nestjs/common';
import { ActiveDeploymentSchema, activeDeploymentKey, kvBuckets, type ActiveDeployment, type TenantId } from '@af/contracts';
import { KvBuckets, decode } from '@af/messaging';

/** Reads the registry of active deployments (NATS KV, written by the deployment service): what the agent's triggers follow. */
@Injectable()
export class ActiveDeploymentRepository {
  constructor(private readonly buckets: KvBuckets) {}

  async find(tenantId: TenantId, agent: string): Promise<ActiveDeployment | null> {
    const kv = await this.buckets.get(kvBuckets.activeDeployments);
    const entry = await kv.get(activeDeploymentKey(tenantId, agent));
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return null;
    return decode(ActiveDeploymentSchema, entry.value);
  }
}

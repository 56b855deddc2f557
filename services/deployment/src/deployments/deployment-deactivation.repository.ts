import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE } from '@af/persistence';

/** Ends an agent's active deployment without a successor, recording why in the history. */
@Injectable()
export class DeploymentDeactivationRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Deactivates the agent's active deployment if it was created before `before` (a deployment made
   * after the archive — restore, then deploy — is left alone). Returns the deactivated id, or null.
   */
  async deactivateActive(tenantId: TenantId, agent: string, before: Date, reason: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `UPDATE deployments SET status = 'deactivated', deactivated_at = clock_timestamp(), deactivated_reason = $4
        WHERE tenant_id = $1 AND agent = $2 AND status = 'active' AND created_at <= $3 RETURNING id`,
      [tenantId, agent, before, reason],
    )) as [{ id: string }[], number];
    return rows[0][0]?.id ?? null;
  }
}

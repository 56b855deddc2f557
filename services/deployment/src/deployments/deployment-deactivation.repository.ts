import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { DATA_SOURCE, withTenant } from '@af/persistence';
import { AGENT_LOCK_TIMEOUT_MS, LOCK_NOT_AVAILABLE, agentLockKey } from './deployment.repository.js';

/** Ends an agent's active deployment without a successor, recording why in the history. */
@Injectable()
export class DeploymentDeactivationRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Deactivates the agent's active deployment if it was created before `before` (a deployment made
   * after the archive — restore, then deploy — is left alone). Returns the deactivated id, or null.
   * One short transaction under the agent's transaction-level advisory lock (the one deploys take),
   * so a deploy in progress commits first; nothing remote happens inside, and waiting holds only
   * this connection, for at most AGENT_LOCK_TIMEOUT_MS (then UNAVAILABLE: the event is retried).
   */
  async deactivateActive(tenantId: TenantId, agent: string, before: Date, reason: string): Promise<string | null> {
    try {
      return await withTenant(this.dataSource, tenantId, async (em) => {
        await em.query(`SELECT set_config('lock_timeout', $1, true)`, [`${AGENT_LOCK_TIMEOUT_MS}ms`]);
        await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [agentLockKey(tenantId, agent)]);
        const rows = (await em.query(
          `UPDATE deployments SET status = 'deactivated', deactivated_at = clock_timestamp(), deactivated_reason = $4
            WHERE tenant_id = $1 AND agent = $2 AND status = 'active' AND created_at <= $3 RETURNING id`,
          [tenantId, agent, before, reason],
        )) as [{ id: string }[], number];
        return rows[0][0]?.id ?? null;
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === LOCK_NOT_AVAILABLE) {
        throw new AppError(ErrorCode.Unavailable, `a deployment of "${agent}" did not finish within ${AGENT_LOCK_TIMEOUT_MS} ms; the archive is applied on retry`, { path: '/name', cause: error });
      }
      throw error;
    }
  }
}

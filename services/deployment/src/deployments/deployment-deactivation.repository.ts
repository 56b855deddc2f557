import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { DATA_SOURCE, withTenant } from '@af/persistence';
import { AGENT_LOCK_TIMEOUT_MS, LOCK_NOT_AVAILABLE, agentLockKey, applyTransition, type Change } from './deployment.repository.js';
import type { DeploymentStatus } from './deployment-lifecycle.js';

/** Ends an agent's serving deployments without a successor, recording why as transitions. */
@Injectable()
export class DeploymentDeactivationRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Deactivates the agent's active deployment and its canary, each if it was created before
   * `before` (a deployment made after the archive — restore, then deploy — is left alone), as
   * transitions of the deployment state machine (`→ deactivated`, the note's actor and reason;
   * deactivated_at and deactivated_reason kept too). Returns what it deactivated and the
   * transitions to announce (none when there was nothing: idempotent). One short transaction under
   * the agent's transaction-level advisory lock (the one deploys take), so a deploy in progress
   * commits first; nothing remote happens inside, and waiting holds only this connection, for at
   * most AGENT_LOCK_TIMEOUT_MS (then UNAVAILABLE: the event is retried).
   */
  async deactivate(tenantId: TenantId, agent: string, before: Date, note: { actor: string; reason: string }): Promise<{ deactivated: { id: string; version: number; from: DeploymentStatus }[]; changes: Change[] }> {
    try {
      return await withTenant(this.dataSource, tenantId, async (em) => {
        await em.query(`SELECT set_config('lock_timeout', $1, true)`, [`${AGENT_LOCK_TIMEOUT_MS}ms`]);
        await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [agentLockKey(tenantId, agent)]);
        const serving = (await em.query(
          `SELECT id, version, status FROM deployments WHERE tenant_id = $1 AND agent = $2 AND status IN ('canary', 'active') AND created_at <= $3 ORDER BY status DESC`,
          [tenantId, agent, before],
        )) as { id: string; version: number; status: DeploymentStatus }[];
        const deactivated: { id: string; version: number; from: DeploymentStatus }[] = [];
        const changes: Change[] = [];
        for (const d of serving) {
          const seq = await applyTransition(em, tenantId, d.id, d.status, 'deactivated', {
            actor: note.actor,
            reason: note.reason,
            details: { archivedAt: before.toISOString() },
            patch: { reason: note.reason, deactivatedReason: note.reason, windowClosed: true },
          });
          if (seq === null) continue;
          deactivated.push({ id: d.id, version: d.version, from: d.status });
          changes.push({ tenantId, deploymentId: d.id, seq });
        }
        return { deactivated, changes };
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === LOCK_NOT_AVAILABLE) {
        throw new AppError(ErrorCode.Unavailable, `a deployment of "${agent}" did not finish within ${AGENT_LOCK_TIMEOUT_MS} ms; the archive is applied on retry`, { path: '/name', cause: error });
      }
      throw error;
    }
  }
}

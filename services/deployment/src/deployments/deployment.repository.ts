import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { DATA_SOURCE, withTenant } from '@af/persistence';
import { DeploymentEntity } from '../persistence/deployment.entity.js';

export interface NewDeployment {
  id: string;
  agent: string;
  version: number;
  contentHash: string;
  artifactHash: string;
  createdBy: string;
  /** Set when an approved escalation carries the deployment out on the requester's behalf. */
  approvedEscalationId?: string;
}

/** What {@link DeploymentRepository.activateOnce} did: the agent's active deployment afterwards. */
export interface Activation {
  deployment: DeploymentEntity;
  /** false: that version and artifact were already active (no new record). */
  created: boolean;
  superseded: string | null;
}

/** How long a deployment waits for another one of the same agent to commit before answering UNAVAILABLE. */
export const AGENT_LOCK_TIMEOUT_MS = 5_000;
export const LOCK_NOT_AVAILABLE = '55P03';

export const agentLockKey = (tenantId: TenantId, agent: string): string => `deployment:${tenantId}/${agent}`;

/**
 * Deployments of one tenant; every query runs in its tenant's transaction (row-level security) and
 * is scoped by tenant id too. History is never deleted.
 */
@Injectable()
export class DeploymentRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  findActive(tenantId: TenantId, agent: string): Promise<DeploymentEntity | null> {
    return withTenant(this.dataSource, tenantId, (em) => em.getRepository(DeploymentEntity).findOneBy({ tenantId, agent, status: 'active' }));
  }

  find(tenantId: TenantId, id: string): Promise<DeploymentEntity | null> {
    return withTenant(this.dataSource, tenantId, (em) => em.getRepository(DeploymentEntity).findOneBy({ tenantId, id }));
  }

  /** The deployment an approved escalation made, if it made one (the approval consumer's idempotency). */
  findByEscalation(tenantId: TenantId, escalationId: string): Promise<DeploymentEntity | null> {
    return withTenant(this.dataSource, tenantId, (em) => em.getRepository(DeploymentEntity).findOneBy({ tenantId, approvedEscalationId: escalationId }));
  }

  /** Newest first. */
  list(tenantId: TenantId, agent: string, limit: number): Promise<DeploymentEntity[]> {
    return withTenant(this.dataSource, tenantId, (em) => em.getRepository(DeploymentEntity).find({ where: { tenantId, agent }, order: { createdAt: 'DESC' }, take: limit }));
  }

  /**
   * One short transaction, serialized per (tenant, agent) by a transaction-level advisory lock
   * (the key {@link agentLockKey}, shared with deactivation; released at commit or rollback). Waiting for it holds
   * this one connection and nothing else, for at most {@link AGENT_LOCK_TIMEOUT_MS}; nothing remote
   * is called inside. If the agent's active deployment already runs this version and artifact it
   * is the answer (`created: false`: one record per version however many deploy it at once);
   * otherwise it is superseded and the new deployment inserted as the active one.
   */
  async activateOnce(tenantId: TenantId, deployment: NewDeployment): Promise<Activation> {
    try {
      return await withTenant(this.dataSource, tenantId, async (em) => {
        await em.query(`SELECT set_config('lock_timeout', $1, true)`, [`${AGENT_LOCK_TIMEOUT_MS}ms`]);
        await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [agentLockKey(tenantId, deployment.agent)]);
        const current = await em.getRepository(DeploymentEntity).findOneBy({ tenantId, agent: deployment.agent, status: 'active' });
        if (current && current.version === deployment.version && current.artifactHash === deployment.artifactHash) return { deployment: current, created: false, superseded: null };
        const rows = (await em.query(
          `UPDATE deployments SET status = 'superseded', superseded_at = clock_timestamp(), superseded_by = $3
            WHERE tenant_id = $1 AND agent = $2 AND status = 'active' RETURNING id`,
          [tenantId, deployment.agent, deployment.id],
        )) as [{ id: string }[], number];
        await em.query(
          `INSERT INTO deployments (id, tenant_id, agent, version, content_hash, artifact_hash, status, created_by, approved_escalation_id)
           VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8)`,
          [deployment.id, tenantId, deployment.agent, deployment.version, deployment.contentHash, deployment.artifactHash, deployment.createdBy, deployment.approvedEscalationId ?? null],
        );
        const activated = await em.getRepository(DeploymentEntity).findOneByOrFail({ tenantId, id: deployment.id });
        return { deployment: activated, created: true, superseded: rows[0][0]?.id ?? null };
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === LOCK_NOT_AVAILABLE) {
        throw new AppError(ErrorCode.Unavailable, `another deployment of "${deployment.agent}" did not finish within ${AGENT_LOCK_TIMEOUT_MS} ms; retry shortly`, { path: '/agent', cause: error });
      }
      throw error;
    }
  }
}

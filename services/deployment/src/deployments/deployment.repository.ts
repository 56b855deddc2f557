import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE } from '@af/persistence';
import { DeploymentEntity } from '../persistence/deployment.entity.js';

export interface NewDeployment {
  id: string;
  agent: string;
  version: number;
  contentHash: string;
  artifactHash: string;
  createdBy: string;
}

/** Deployments of one tenant; every query is scoped by tenant id. History is never deleted. */
@Injectable()
export class DeploymentRepository {
  private readonly deployments: Repository<DeploymentEntity>;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.deployments = dataSource.getRepository(DeploymentEntity);
  }

  /**
   * Runs `work` while holding a PostgreSQL advisory lock on (tenant, agent): concurrent
   * deployments of one agent are serialized across instances, so the database record and the
   * KV registry entry written inside `work` always end on the same deployment.
   */
  async withAgentLock<T>(tenantId: TenantId, agent: string, work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const key = `deployment:${tenantId}/${agent}`;
    try {
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      await runner.release();
    }
  }

  findActive(tenantId: TenantId, agent: string): Promise<DeploymentEntity | null> {
    return this.deployments.findOneBy({ tenantId, agent, status: 'active' });
  }

  find(tenantId: TenantId, id: string): Promise<DeploymentEntity | null> {
    return this.deployments.findOneBy({ tenantId, id });
  }

  /** Newest first. */
  list(tenantId: TenantId, agent: string, limit: number): Promise<DeploymentEntity[]> {
    return this.deployments.find({ where: { tenantId, agent }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** In one transaction: the agent's active deployment becomes superseded and the new one active. */
  async activate(tenantId: TenantId, deployment: NewDeployment): Promise<{ activated: DeploymentEntity; superseded: string | null }> {
    return this.dataSource.transaction(async (em) => {
      const rows = (await em.query(
        `UPDATE deployments SET status = 'superseded', superseded_at = clock_timestamp(), superseded_by = $3
          WHERE tenant_id = $1 AND agent = $2 AND status = 'active' RETURNING id`,
        [tenantId, deployment.agent, deployment.id],
      )) as [{ id: string }[], number];
      const superseded = rows[0][0]?.id ?? null;
      await em.query(
        `INSERT INTO deployments (id, tenant_id, agent, version, content_hash, artifact_hash, status, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)`,
        [deployment.id, tenantId, deployment.agent, deployment.version, deployment.contentHash, deployment.artifactHash, deployment.createdBy],
      );
      const activated = await em.getRepository(DeploymentEntity).findOneByOrFail({ tenantId, id: deployment.id });
      return { activated, superseded };
    });
  }
}

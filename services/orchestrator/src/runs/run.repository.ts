import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE } from '@af/persistence';
import { RunEntity, type JsonValue, type RunStatus, type RunToolCall, type RunUsage } from '../persistence/run.entity.js';

export interface NewRun {
  id: string;
  agent: string;
  version: number;
  artifactHash: string;
  input: object;
  traceId: string;
  correlationId: string;
}

/** Runs of one tenant; every query is scoped by tenant id. Status only moves forward. */
@Injectable()
export class RunRepository {
  private readonly runs: Repository<RunEntity>;

  constructor(@Inject(DATA_SOURCE) dataSource: DataSource) {
    this.runs = dataSource.getRepository(RunEntity);
  }

  async create(tenantId: TenantId, run: NewRun): Promise<RunEntity> {
    const entity = this.runs.create({ ...run, tenantId, status: 'queued', attempts: 0, output: null, error: null, toolCalls: null, usage: null, queuedAt: null, startedAt: null, finishedAt: null });
    await this.runs.insert(entity);
    return (await this.find(tenantId, run.id)) as RunEntity;
  }

  find(tenantId: TenantId, id: string): Promise<RunEntity | null> {
    return this.runs.findOneBy({ tenantId, id });
  }

  async markQueued(tenantId: TenantId, id: string, at: Date): Promise<void> {
    await this.runs.update({ tenantId, id }, { queuedAt: at });
  }

  /**
   * Outbox relay: runs recorded but never confirmed on the queue (the publish failed or the
   * process died in between), oldest first, across tenants — the one cross-tenant query here.
   */
  findUnqueued(olderThanMs: number, limit: number): Promise<RunEntity[]> {
    return this.runs
      .createQueryBuilder('run')
      .where(`run.status = 'queued' AND run.queued_at IS NULL AND run.created_at < now() - make_interval(secs => :secs)`, { secs: olderThanMs / 1000 })
      .orderBy('run.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** queued|running → running; counts the attempt. A finished run is left alone (redelivery after finish). */
  async markRunning(tenantId: TenantId, id: string, attempt: number, at: Date): Promise<boolean> {
    const result = await this.runs
      .createQueryBuilder()
      .update(RunEntity)
      .set({ status: 'running', attempts: () => `GREATEST(attempts, ${Math.trunc(attempt)})`, startedAt: () => `COALESCE(started_at, :at)` })
      .setParameters({ at })
      .where('tenant_id = :tenantId AND id = :id AND status IN (:...from)', { tenantId, id, from: ['queued', 'running'] satisfies RunStatus[] })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Only a run not yet finished can finish: a duplicate result event changes nothing. */
  async finish(
    tenantId: TenantId,
    id: string,
    outcome: { status: 'succeeded'; output: JsonValue; attempt: number; toolCalls?: RunToolCall[]; usage?: RunUsage } | { status: 'failed'; error: { code: string; message: string; path?: string }; attempt: number },
    at: Date,
  ): Promise<boolean> {
    const result = await this.runs
      .createQueryBuilder()
      .update(RunEntity)
      .set({
        status: outcome.status,
        output: () => (outcome.status === 'succeeded' ? ':output::jsonb' : 'NULL'),
        error: () => (outcome.status === 'failed' ? ':error::jsonb' : 'NULL'),
        toolCalls: () => (outcome.status === 'succeeded' && outcome.toolCalls ? ':toolCalls::jsonb' : 'NULL'),
        usage: () => (outcome.status === 'succeeded' && outcome.usage ? ':usage::jsonb' : 'NULL'),
        attempts: () => `GREATEST(attempts, ${Math.trunc(outcome.attempt)})`,
        finishedAt: at,
        startedAt: () => `COALESCE(started_at, :at)`,
      })
      .setParameters({
        at,
        output: outcome.status === 'succeeded' ? JSON.stringify(outcome.output) : null,
        error: outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
        toolCalls: outcome.status === 'succeeded' && outcome.toolCalls ? JSON.stringify(outcome.toolCalls) : null,
        usage: outcome.status === 'succeeded' && outcome.usage ? JSON.stringify(outcome.usage) : null,
      })
      .where('tenant_id = :tenantId AND id = :id AND status IN (:...from)', { tenantId, id, from: ['queued', 'running'] satisfies RunStatus[] })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

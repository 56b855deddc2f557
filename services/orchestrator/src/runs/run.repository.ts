import { Inject, Injectable } from '@nestjs/common';
import { Brackets, type DataSource, type EntityManager, type Repository } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE } from '@af/persistence';
import { RunEntity, type RunPriority, type RunStatus } from '../persistence/run.entity.js';
import { RunTransitionEntity } from '../persistence/run-transition.entity.js';
import { IdempotencyKeyEntity } from '../persistence/idempotency-key.entity.js';
import { canTransition, isFinalStatus } from './run-lifecycle.js';

export interface NewRun {
  id: string;
  agent: string;
  version: number;
  artifactHash: string;
  input: object;
  traceId: string;
  correlationId: string;
  priority?: RunPriority;
}

/** Columns a transition may set along with the status. */
export type RunPatch = Partial<Pick<RunEntity, 'output' | 'error' | 'toolCalls' | 'usage' | 'queuedAt'>>;

export interface TransitionChange {
  at: Date;
  /** The execution attempt the change belongs to (0: none yet / unchanged). */
  attempt?: number;
  workerId?: string;
  /** Why, in words: "started on worker w-1", "cancelled by alice: …". */
  reason: string;
  /** An error code when the change is a failure. */
  code?: string;
  set?: RunPatch;
}

export type TransitionResult =
  | { moved: true; from: RunStatus; run: RunEntity; transition: RunTransitionEntity }
  /** Not an allowed edge from the current status (a late or duplicate event), or no such run: nothing stored. */
  | { moved: false; current: RunEntity | null };

export type CreateResult =
  | { kind: 'created'; run: RunEntity }
  /** An earlier submission with the same key and request created `run`. */
  | { kind: 'replayed'; run: RunEntity }
  /** The key was used for a different request. */
  | { kind: 'key-reused'; runId: string };

export interface RunListQuery {
  agent?: string;
  status?: RunStatus;
  since?: Date;
  limit: number;
  /** Keyset: runs strictly older than this (created_at, id) in the newest-first order. */
  before?: { createdUs: string; id: string };
}

/**
 * Runs of one tenant; every query is scoped by tenant id. A run's status changes only through
 * {@link RunRepository.transition}: one transaction that locks the run, checks the edge
 * (run-lifecycle.ts), updates the run and appends to run_transitions.
 */
@Injectable()
export class RunRepository {
  private readonly runs: Repository<RunEntity>;
  private readonly transitions: Repository<RunTransitionEntity>;
  private readonly keys: Repository<IdempotencyKeyEntity>;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.runs = dataSource.getRepository(RunEntity);
    this.transitions = dataSource.getRepository(RunTransitionEntity);
    this.keys = dataSource.getRepository(IdempotencyKeyEntity);
  }

  /**
   * Records a new queued run and its first transition; with an Idempotency-Key, also the key in
   * the same transaction. Concurrent submissions with one key: the primary key serialises them
   * (the second insert waits for the first transaction), and the loser re-reads the winner's run.
   */
  async create(tenantId: TenantId, run: NewRun, idempotency?: { key: string; requestHash: string }): Promise<CreateResult> {
    const result = await this.dataSource.transaction(async (m): Promise<CreateResult> => {
      if (idempotency) {
        const claimed = await m
          .createQueryBuilder()
          .insert()
          .into(IdempotencyKeyEntity)
          .values({ tenantId, key: idempotency.key, requestHash: idempotency.requestHash, runId: run.id })
          .orIgnore()
          .returning('run_id')
          .execute();
        if (claimed.raw.length === 0) {
          const existing = await m.findOneByOrFail(IdempotencyKeyEntity, { tenantId, key: idempotency.key });
          if (existing.requestHash !== idempotency.requestHash) return { kind: 'key-reused', runId: existing.runId };
          return { kind: 'replayed', run: await m.findOneByOrFail(RunEntity, { tenantId, id: existing.runId }) };
        }
      }
      const entity = m.create(RunEntity, {
        ...run,
        priority: run.priority ?? 'normal',
        tenantId,
        status: 'queued',
        attempts: 0,
        output: null,
        error: null,
        toolCalls: null,
        usage: null,
        queuedAt: null,
        startedAt: null,
        finishedAt: null,
        workerId: null,
        transitionSeq: 1,
      });
      await m.insert(RunEntity, entity);
      const created = await m.findOneByOrFail(RunEntity, { tenantId, id: run.id });
      await m.insert(RunTransitionEntity, { runId: run.id, seq: 1, tenantId, fromStatus: null, toStatus: 'queued', at: created.createdAt, attempt: 0, workerId: '', reason: 'submitted', code: '' });
      return { kind: 'created', run: created };
    });
    return result;
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

  /**
   * Moves a run to `to` if the lifecycle allows it from its current status, and stores the
   * transition — both in one transaction, under a row lock, so concurrent events cannot both
   * move it. Sets `attempts` (the highest seen), `worker_id`, `started_at` on the first start and
   * `finished_at` on a final status, plus `change.set`. A refused move stores nothing.
   */
  transition(tenantId: TenantId, runId: string, to: RunStatus, change: TransitionChange): Promise<TransitionResult> {
    return this.dataSource.transaction((m) => this.transitionIn(m, tenantId, runId, to, change));
  }

  private async transitionIn(m: EntityManager, tenantId: TenantId, runId: string, to: RunStatus, change: TransitionChange): Promise<TransitionResult> {
    const run = await m.findOne(RunEntity, { where: { tenantId, id: runId }, lock: { mode: 'pessimistic_write' } });
    const attempt = Math.max(0, Math.trunc(change.attempt ?? 0));
    if (!run || !canTransition(run.status, to, attempt, run.attempts)) return { moved: false, current: run };
    const from = run.status;
    const seq = run.transitionSeq + 1;
    const patch: Partial<RunEntity> = {
      ...change.set,
      status: to,
      transitionSeq: seq,
      attempts: Math.max(run.attempts, attempt),
      ...(change.workerId ? { workerId: change.workerId } : {}),
      ...(to === 'running' && !run.startedAt ? { startedAt: change.at } : {}),
      ...(isFinalStatus(to) ? { finishedAt: change.at } : {}),
      // a re-queued dead letter is running again: it has no finish time
      ...(to === 'queued' ? { finishedAt: null } : {}),
    };
    await m.update(RunEntity, { tenantId, id: runId }, patch);
    const transition = m.create(RunTransitionEntity, {
      runId,
      seq,
      tenantId,
      fromStatus: from,
      toStatus: to,
      at: change.at,
      attempt: Math.max(run.attempts, attempt),
      workerId: change.workerId ?? '',
      reason: change.reason,
      code: change.code ?? '',
    });
    await m.insert(RunTransitionEntity, transition);
    return { moved: true, from, run: await m.findOneByOrFail(RunEntity, { tenantId, id: runId }), transition };
  }

  /** A run's transitions with seq > afterSeq, oldest first. */
  listTransitions(tenantId: TenantId, runId: string, afterSeq: number, limit: number): Promise<RunTransitionEntity[]> {
    return this.transitions
      .createQueryBuilder('t')
      .where('t.tenant_id = :tenantId AND t.run_id = :runId AND t.seq > :afterSeq', { tenantId, runId, afterSeq })
      .orderBy('t.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * A tenant's runs, newest first (created_at, id), one page; each with its created_at in
   * microseconds since the epoch (the keyset position: a JS Date would lose PostgreSQL's
   * microseconds and skip rows between pages).
   */
  async list(tenantId: TenantId, query: RunListQuery): Promise<Array<{ run: RunEntity; createdUs: string }>> {
    const q = this.runs
      .createQueryBuilder('run')
      .addSelect('(extract(epoch FROM run.created_at) * 1000000)::bigint::text', 'created_us')
      .where('run.tenant_id = :tenantId', { tenantId });
    if (query.agent) q.andWhere('run.agent = :agent', { agent: query.agent });
    if (query.status) q.andWhere('run.status = :status', { status: query.status });
    if (query.since) q.andWhere('run.created_at >= :since', { since: query.since });
    const before = query.before;
    if (before) {
      const at = `(timestamptz 'epoch' + (:beforeUs || ' microseconds')::interval)`;
      q.andWhere(
        new Brackets((b) => {
          b.where(`run.created_at < ${at}`, { beforeUs: before.createdUs }).orWhere(`run.created_at = ${at} AND run.id < :beforeId`, { beforeId: before.id });
        }),
      );
    }
    const { entities, raw } = await q.orderBy('run.created_at', 'DESC').addOrderBy('run.id', 'DESC').limit(query.limit).getRawAndEntities<{ created_us: string }>();
    return entities.map((run, i) => ({ run, createdUs: raw[i]!.created_us }));
  }

  /** Deletes Idempotency-Keys older than `olderThanMs` (across tenants: housekeeping); returns how many. */
  async deleteIdempotencyKeys(olderThanMs: number): Promise<number> {
    const result = await this.keys
      .createQueryBuilder()
      .delete()
      .where(`created_at < now() - make_interval(secs => :secs)`, { secs: olderThanMs / 1000 })
      .execute();
    return result.affected ?? 0;
  }
}

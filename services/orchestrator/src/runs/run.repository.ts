import { Inject, Injectable } from '@nestjs/common';
import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
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
  /** The submitting caller's subject ('' when unknown). */
  requestedBy?: string;
  /** The deployment it was routed to and whether that is a canary (with version/artifactHash: the run's pin). */
  deploymentId?: string;
  canary?: boolean;
  /** What started it ("api" when absent). */
  trigger?: string;
}

/** Columns a transition may set along with the status. */
export type RunPatch = Partial<Pick<RunEntity, 'output' | 'error' | 'toolCalls' | 'usage' | 'queuedAt' | 'waitingFor'>>;

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

/** One submission of a group commit (`createMany`). */
export interface BatchSubmission {
  run: NewRun;
  /** `run.input` as the JSON text it was submitted as (stored as is: jsonb normalizes it); stringified when absent. */
  inputJson?: string;
  idempotency?: { key: string; requestHash: string };
}

export type BatchCreateResult =
  | { kind: 'created' }
  | { kind: 'replayed'; run: Pick<RunEntity, 'id' | 'status' | 'agent' | 'version' | 'priority'> }
  | { kind: 'key-reused'; runId: string }
  /** Over the tenant's limit of runs waiting for dispatch: nothing stored. */
  | { kind: 'refused'; waiting: number };

export type ParkResult =
  | { kind: 'parked'; result: Extract<TransitionResult, { moved: true }> }
  /** Already waiting for this escalation (a repeated park). */
  | { kind: 'already'; run: RunEntity }
  /** The approval step was decided before the park arrived: the worker replays it and goes on. */
  | { kind: 'decided'; run: RunEntity }
  /** No begun approval step `seq` for this run. */
  | { kind: 'no-step'; run: RunEntity }
  /** The run's status does not allow it (cancelled, final, waiting for another escalation). */
  | { kind: 'refused'; run: RunEntity }
  | { kind: 'not-found' };

export interface SettleResult {
  /** This call completed the approval step (false: it was completed before, or the run is gone or final). */
  stepCompleted: boolean;
  transition: TransitionResult;
}

export interface RunListQuery {
  agent?: string;
  status?: RunStatus;
  since?: Date;
  limit: number;
  /** Keyset: runs strictly older than this (created_at, id) in the newest-first order. */
  before?: { createdUs: string; id: string };
}

/**
 * Runs of one tenant; every query runs in the tenant's transaction (row-level security) and is
 * scoped by tenant id too; the outbox relay's scan and the key sweep run in the system scope. A run's status changes only through
 * {@link RunRepository.transition}: one transaction that locks the run, checks the edge
 * (run-lifecycle.ts), updates the run and appends to run_transitions.
 */
@Injectable()
export class RunRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Records a new queued run and its first transition; with an Idempotency-Key, also the key in
   * the same transaction. Concurrent submissions with one key: the primary key serialises them
   * (the second insert waits for the first transaction), and the loser re-reads the winner's run.
   */
  /** One run recorded without admission control (fixtures, the outbox tests): `createMany` of one, read back whole. */
  async create(tenantId: TenantId, run: NewRun, idempotency?: { key: string; requestHash: string }): Promise<CreateResult> {
    const [result] = await this.createMany(tenantId, [{ run, ...(idempotency ? { idempotency } : {}) }], Number.MAX_SAFE_INTEGER, 'false');
    if (!result || result.kind === 'refused') throw new Error('create: refused without admission control');
    if (result.kind === 'key-reused') return result;
    const stored = await this.find(tenantId, result.kind === 'created' ? run.id : result.run.id);
    if (!stored) throw new Error(`create: run ${run.id} not found after its commit`);
    return { kind: result.kind, run: stored };
  }

  /**
   * Group commit of submissions (one tenant's, in arrival order): ONE transaction admits them
   * (the tenant's waiting runs counted once; beyond `maxWaiting` an item is refused, nothing stored
   * for it), claims their Idempotency-Keys in one statement, and inserts the new runs with their
   * first transition in one statement (INSERT … SELECT FROM unnest, the transition from a CTE over
   * the inserted rows). Same rows, same guarantees as `create` — the caller answers 202 only after
   * this commit — at a handful of round trips per batch instead of eight per run.
   * A key seen twice in the batch: the first item claims it, the second replays it (or is refused
   * as reused), exactly as two sequential submissions would be.
   */
  async createMany(tenantId: TenantId, items: readonly BatchSubmission[], maxWaiting: number, waitingWhere: string): Promise<BatchCreateResult[]> {
    return withTenant(this.dataSource, tenantId, async (m): Promise<BatchCreateResult[]> => {
      const counted = (await m.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM runs WHERE tenant_id = $1 AND ${waitingWhere} LIMIT $2) w`, [tenantId, maxWaiting])) as { n: number }[];
      const waiting = counted[0]?.n ?? 0;
      const results: (BatchCreateResult | undefined)[] = items.map((_, i) => (waiting + i >= maxWaiting ? { kind: 'refused', waiting: waiting + i } : undefined));
      const admitted = items.map((item, i) => ({ item, i })).filter(({ i }) => results[i] === undefined);

      // Keys: the first item of each key in the batch tries to claim it; the others replay.
      const firstOfKey = new Map<string, number>();
      for (const { item, i } of admitted) if (item.idempotency && !firstOfKey.has(item.idempotency.key)) firstOfKey.set(item.idempotency.key, i);
      const claimed = new Set<string>();
      if (firstOfKey.size > 0) {
        const claims = [...firstOfKey.values()].map((i) => items[i]!);
        const rows = (await m.query(
          `INSERT INTO run_idempotency_keys (tenant_id, key, request_hash, run_id)
           SELECT $1, k, h, r FROM unnest($2::text[], $3::text[], $4::uuid[]) AS t(k, h, r)
           ON CONFLICT DO NOTHING RETURNING key`,
          [tenantId, claims.map((c) => c.idempotency!.key), claims.map((c) => c.idempotency!.requestHash), claims.map((c) => c.run.id)],
        )) as { key: string }[];
        for (const r of rows) claimed.add(r.key);
      }
      const creating = admitted.filter(({ item, i }) => !item.idempotency || (claimed.has(item.idempotency.key) && firstOfKey.get(item.idempotency.key) === i));
      if (creating.length > 0) {
        const runs = creating.map(({ item }) => item.run);
        await m.query(
          `WITH inserted AS (
             INSERT INTO runs (id, tenant_id, agent, version, artifact_hash, status, priority, input, trace_id, correlation_id, requested_by, deployment_id, canary, trigger, attempts, transition_seq)
             SELECT id, $1, agent, version, artifact_hash, 'queued', priority, input, trace_id, correlation_id, requested_by, deployment_id, canary, trigger, 0, 1
               FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[], $13::text[])
                 AS t(id, agent, version, artifact_hash, priority, input, trace_id, correlation_id, requested_by, deployment_id, canary, trigger)
             RETURNING id, tenant_id, created_at
           )
           INSERT INTO run_transitions (run_id, seq, tenant_id, from_status, to_status, at, attempt, worker_id, reason, code)
           SELECT id, 1, tenant_id, NULL, 'queued', created_at, 0, '', 'submitted', '' FROM inserted`,
          [
            tenantId,
            runs.map((r) => r.id),
            runs.map((r) => r.agent),
            runs.map((r) => r.version),
            runs.map((r) => r.artifactHash),
            runs.map((r) => r.priority ?? 'normal'),
            creating.map(({ item }) => item.inputJson ?? JSON.stringify(item.run.input)),
            runs.map((r) => r.traceId),
            runs.map((r) => r.correlationId),
            runs.map((r) => r.requestedBy ?? ''),
            runs.map((r) => r.deploymentId ?? ''),
            runs.map((r) => r.canary ?? false),
            runs.map((r) => r.trigger ?? 'api'),
          ],
        );
        for (const { i } of creating) results[i] = { kind: 'created' };
      }
      // Everything else with a key: an earlier submission (before or in this batch) holds it.
      const replaying = admitted.filter(({ i }) => results[i] === undefined);
      if (replaying.length > 0) {
        const keys = [...new Set(replaying.map(({ item }) => item.idempotency!.key))];
        const held = (await m.query(
          `SELECT k.key, k.request_hash, r.id, r.status, r.agent, r.version, r.priority
             FROM run_idempotency_keys k JOIN runs r ON r.tenant_id = k.tenant_id AND r.id = k.run_id
            WHERE k.tenant_id = $1 AND k.key = ANY($2::text[])`,
          [tenantId, keys],
        )) as { key: string; request_hash: string; id: string; status: RunStatus; agent: string; version: number; priority: RunPriority }[];
        const byKey = new Map(held.map((h) => [h.key, h]));
        for (const { item, i } of replaying) {
          const h = byKey.get(item.idempotency!.key);
          if (!h) throw new Error(`idempotency key ${item.idempotency!.key} neither claimed nor held`);
          results[i] = h.request_hash !== item.idempotency!.requestHash ? { kind: 'key-reused', runId: h.id } : { kind: 'replayed', run: { id: h.id, status: h.status, agent: h.agent, version: h.version, priority: h.priority } };
        }
      }
      return results as BatchCreateResult[];
    });
  }

  /** The agent's runs not yet final per version/artifact (one query on the partial index runs_open_by_version). */
  async inFlightByVersion(tenantId: TenantId, agent: string): Promise<{ version: number; artifactHash: string; inFlight: number }[]> {
    const rows = await withTenant(this.dataSource, tenantId, (m) =>
      m.query(
        `SELECT version, artifact_hash, count(*)::int AS in_flight FROM runs
          WHERE tenant_id = $1 AND agent = $2 AND status IN ('queued', 'running', 'waiting')
          GROUP BY version, artifact_hash ORDER BY version DESC, artifact_hash`,
        [tenantId, agent],
      ),
    ) as { version: number; artifact_hash: string; in_flight: number }[];
    return rows.map((r) => ({ version: r.version, artifactHash: r.artifact_hash, inFlight: r.in_flight }));
  }

  find(tenantId: TenantId, id: string): Promise<RunEntity | null> {
    return withTenant(this.dataSource, tenantId, (m) => m.findOneBy(RunEntity, { tenantId, id }));
  }

  async markQueued(tenantId: TenantId, id: string, at: Date): Promise<void> {
    await withTenant(this.dataSource, tenantId, (m) => m.update(RunEntity, { tenantId, id }, { queuedAt: at }));
  }

  /**
   * Outbox relay: runs recorded but never confirmed on the queue (the publish failed or the
   * process died in between), oldest first, across tenants — the one cross-tenant query here.
   */
  findUnqueued(olderThanMs: number, limit: number): Promise<RunEntity[]> {
    return withSystemScope(this.dataSource, 'orchestrator outbox relay: runs never confirmed on the queue', (m) =>
      m
        .getRepository(RunEntity)
        .createQueryBuilder('run')
        .where(`run.status = 'queued' AND run.queued_at IS NULL AND run.created_at < now() - make_interval(secs => :secs)`, { secs: olderThanMs / 1000 })
        .orderBy('run.created_at', 'ASC')
        .limit(limit)
        .getMany(),
    );
  }

  /**
   * Moves a run to `to` if the lifecycle allows it from its current status, and stores the
   * transition — both in one transaction, under a row lock, so concurrent events cannot both
   * move it. Sets `attempts` (the highest seen), `worker_id`, `started_at` on the first start and
   * `finished_at` on a final status, plus `change.set`. A refused move stores nothing.
   */
  transition(tenantId: TenantId, runId: string, to: RunStatus, change: TransitionChange): Promise<TransitionResult> {
    return withTenant(this.dataSource, tenantId, (m) => this.transitionIn(m, tenantId, runId, to, change));
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
    // The row as now stored, without reading it back: the locked row plus what this update wrote
    // (updated_at excepted — the database's own, and read by nobody).
    return { moved: true, from, run: Object.assign(run, patch), transition };
  }

  /**
   * Parks a run on an escalation: running (or queued, when the park overtook the started event)
   * → waiting with `waiting_for`, if its approval step `seq` is begun and still undecided — all
   * under the run's row lock, which {@link settleApproval} takes too, so a decision that arrives
   * while the park is in flight is never lost: either the park sees the step decided and does not
   * park (the worker replays the decision), or the decision sees the run waiting and resumes it.
   * Already waiting for this escalation → `already` (idempotent).
   */
  park(tenantId: TenantId, runId: string, seq: number, escalationId: string, change: TransitionChange): Promise<ParkResult> {
    return withTenant(this.dataSource, tenantId, async (m): Promise<ParkResult> => {
      const run = await m.findOne(RunEntity, { where: { tenantId, id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run) return { kind: 'not-found' };
      const step = await approvalStep(m, tenantId, runId, seq);
      if (!step) return { kind: 'no-step', run };
      if (run.status === 'waiting' && run.waitingFor === escalationId) return { kind: 'already', run };
      if (step.state === 'completed') return { kind: 'decided', run };
      const result = await this.transitionIn(m, tenantId, runId, 'waiting', { ...change, set: { ...change.set, waitingFor: escalationId } });
      return result.moved ? { kind: 'parked', result } : { kind: 'refused', run };
    });
  }

  /**
   * Records an escalation's decision on the run that waits for it, in one transaction under the
   * run's row lock: completes the approval step `seq` (the first completion wins) with
   * `resultJson`, then — if the run is `waiting` for this escalation — moves it to `to` (queued:
   * a new dispatch; failed). A run not (or no longer) waiting keeps its status: a running run
   * whose park has not arrived yet replays the decision from the step; a final one, or one waiting
   * for another escalation, is left alone.
   */
  settleApproval(tenantId: TenantId, runId: string, seq: number, escalationId: string, resultJson: string, to: 'queued' | 'failed', change: TransitionChange): Promise<SettleResult> {
    return withTenant(this.dataSource, tenantId, async (m): Promise<SettleResult> => {
      const run = await m.findOne(RunEntity, { where: { tenantId, id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run) return { stepCompleted: false, transition: { moved: false, current: null } };
      // Final, or waiting for another escalation (not this step's): nothing to record.
      if (isFinalStatus(run.status) || (run.status === 'waiting' && run.waitingFor !== escalationId)) return { stepCompleted: false, transition: { moved: false, current: run } };
      const completed = (await m.query(
        `UPDATE run_steps SET state = 'completed', result_json = $4, error = '', completed_at = now()
          WHERE tenant_id = $1 AND run_id = $2 AND seq = $3 AND kind = 'approval' AND state = 'started'
          RETURNING seq`,
        [tenantId, runId, seq, resultJson],
      )) as [unknown[], number];
      const stepCompleted = completed[1] > 0;
      if (run.status !== 'waiting' || run.waitingFor !== escalationId) return { stepCompleted, transition: { moved: false, current: run } };
      const set: RunPatch = { ...change.set, waitingFor: null, ...(to === 'queued' ? { queuedAt: null } : {}) };
      return { stepCompleted, transition: await this.transitionIn(m, tenantId, runId, to, { ...change, set }) };
    });
  }

  /** A run's transitions with seq > afterSeq, oldest first. */
  listTransitions(tenantId: TenantId, runId: string, afterSeq: number, limit: number): Promise<RunTransitionEntity[]> {
    return withTenant(this.dataSource, tenantId, (m) =>
      m
        .getRepository(RunTransitionEntity)
        .createQueryBuilder('t')
        .where('t.tenant_id = :tenantId AND t.run_id = :runId AND t.seq > :afterSeq', { tenantId, runId, afterSeq })
        .orderBy('t.seq', 'ASC')
        .limit(limit)
        .getMany(),
    );
  }

  /**
   * A tenant's runs, newest first (created_at, id), one page; each with its created_at in
   * microseconds since the epoch (the keyset position: a JS Date would lose PostgreSQL's
   * microseconds and skip rows between pages).
   */
  list(tenantId: TenantId, query: RunListQuery): Promise<Array<{ run: RunEntity; createdUs: string }>> {
    return withTenant(this.dataSource, tenantId, (m) => this.listIn(m, tenantId, query));
  }

  private async listIn(m: EntityManager, tenantId: TenantId, query: RunListQuery): Promise<Array<{ run: RunEntity; createdUs: string }>> {
    const q = m
      .getRepository(RunEntity)
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
    const result = await withSystemScope(this.dataSource, 'orchestrator: Idempotency-Key sweep', (m) =>
      m
        .getRepository(IdempotencyKeyEntity)
        .createQueryBuilder()
        .delete()
        .where(`created_at < now() - make_interval(secs => :secs)`, { secs: olderThanMs / 1000 })
        .execute(),
    );
    return result.affected ?? 0;
  }
}

async function approvalStep(m: EntityManager, tenantId: TenantId, runId: string, seq: number): Promise<{ state: string } | undefined> {
  const rows = (await m.query(`SELECT state FROM run_steps WHERE tenant_id = $1 AND run_id = $2 AND seq = $3 AND kind = 'approval'`, [tenantId, runId, seq])) as Array<{ state: string }>;
  return rows[0];
}

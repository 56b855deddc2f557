import { Inject, Injectable } from '@nestjs/common';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import { DeploymentEntity, type Thresholds } from '../persistence/deployment.entity.js';
import { IN_PROGRESS_STATUSES, canTransition, type DeploymentStatus } from './deployment-lifecycle.js';

export interface NewDeployment {
  id: string;
  strategy: 'immediate' | 'canary';
  canaryPercent: number;
  windowSeconds: number;
  thresholds: Thresholds;
  /** The pending transition's reason (what was asked). */
  reason: string;
  agent: string;
  version: number;
  contentHash: string;
  artifactHash: string;
  createdBy: string;
  /** Set when an approved escalation carries the deployment out on the requester's behalf. */
  approvedEscalationId?: string;
}

/** What {@link DeploymentRepository.begin} found or made. */
export type Beginning =
  /** A new deployment, pending. */
  | { kind: 'created'; deployment: DeploymentEntity; changes: Change[] }
  /** That version and artifact already serve (active with no canary, or the running canary when a canary is asked): nothing to do. */
  | { kind: 'unchanged'; deployment: DeploymentEntity }
  /** Another request is preparing the same version and artifact right now: wait for it. */
  | { kind: 'in_progress'; deployment: DeploymentEntity };

/** A recorded transition, to announce after the commit (af.v1.deployments.event.changed). */
export interface Change {
  tenantId: string;
  deploymentId: string;
  seq: number;
}

export interface TransitionRecord {
  deploymentId: string;
  seq: number;
  from: DeploymentStatus | null;
  to: DeploymentStatus;
  at: Date;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
}

/** What a transition writes besides the status (columns of deployments). */
export interface TransitionPatch {
  reason?: string | null;
  evalReport?: Record<string, unknown> | null;
  forced?: boolean;
  previousDeploymentId?: string | null;
  windowEndsAt?: Date | null;
  windowClosed?: boolean;
  swapMs?: number;
  supersededBy?: string | null;
  /** Why it was deactivated (with `deactivated`: deactivated_at is set). */
  deactivatedReason?: string;
}

export interface TransitionNote {
  actor: string;
  reason: string;
  details?: Record<string, unknown>;
  patch?: TransitionPatch;
}

/** A deployment the watch loop judges (canary, or active within its window). */
export interface Watched {
  tenantId: string;
  deployment: DeploymentEntity;
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

  /** The agent's canary in progress, if any. */
  findCanary(tenantId: TenantId, agent: string): Promise<DeploymentEntity | null> {
    return withTenant(this.dataSource, tenantId, (em) => em.getRepository(DeploymentEntity).findOneBy({ tenantId, agent, status: 'canary' }));
  }

  /** The latest deployment of `version` that a rollback may reinstate (superseded), or null. */
  findReinstatable(tenantId: TenantId, agent: string, version: number): Promise<DeploymentEntity | null> {
    return withTenant(this.dataSource, tenantId, (em) =>
      em.getRepository(DeploymentEntity).findOne({ where: { tenantId, agent, version, status: 'superseded' }, order: { createdAt: 'DESC' } }),
    );
  }

  /** A deployment's transitions, oldest first. */
  transitions(tenantId: TenantId, deploymentId: string): Promise<TransitionRecord[]> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const rows = (await em.query(
        `SELECT deployment_id, seq, from_status, to_status, at, actor, reason, details FROM deployment_transitions WHERE tenant_id = $1 AND deployment_id = $2 ORDER BY seq`,
        [tenantId, deploymentId],
      )) as TransitionRow[];
      return rows.map(toTransition);
    });
  }

  transition(tenantId: TenantId, deploymentId: string, seq: number): Promise<TransitionRecord | null> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const rows = (await em.query(
        `SELECT deployment_id, seq, from_status, to_status, at, actor, reason, details FROM deployment_transitions WHERE tenant_id = $1 AND deployment_id = $2 AND seq = $3`,
        [tenantId, deploymentId, seq],
      )) as TransitionRow[];
      return rows[0] ? toTransition(rows[0]) : null;
    });
  }

  /**
   * Runs `work` only if this instance takes the session advisory lock `key` (held on one pooled
   * connection for the duration); another instance holding it → null, nothing runs.
   */
  async exclusively<T>(key: string, work: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key])) as [{ locked: boolean }];
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The measured swap time (warm reply + registry write), stored after the switch. */
  async setSwapMs(tenantId: TenantId, id: string, swapMs: number): Promise<void> {
    await withTenant(this.dataSource, tenantId, (em) => em.query(`UPDATE deployments SET swap_ms = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, swapMs]));
  }

  async markPublished(tenantId: TenantId, deploymentId: string, seq: number): Promise<void> {
    await withTenant(this.dataSource, tenantId, (em) =>
      em.query(`UPDATE deployment_transitions SET published_at = clock_timestamp() WHERE tenant_id = $1 AND deployment_id = $2 AND seq = $3`, [tenantId, deploymentId, seq]),
    );
  }

  /** Transitions whose event did not reach JetStream (recorded more than `olderThanMs` ago), every tenant: the outbox relay's work. */
  unpublished(olderThanMs: number, limit: number): Promise<Change[]> {
    return withSystemScope(this.dataSource, 'deployment outbox relay: unpublished transitions', async (em) => {
      const rows = (await em.query(
        `SELECT tenant_id, deployment_id, seq FROM deployment_transitions WHERE published_at IS NULL AND at < clock_timestamp() - make_interval(secs => $1::double precision / 1000) ORDER BY at LIMIT $2`,
        [olderThanMs, limit],
      )) as { tenant_id: string; deployment_id: string; seq: number }[];
      return rows.map((r) => ({ tenantId: r.tenant_id, deploymentId: r.deployment_id, seq: r.seq }));
    });
  }

  /** Deployments in canary, or active with an open watch window, every tenant (the watch loop). */
  watched(limit: number): Promise<Watched[]> {
    return withSystemScope(this.dataSource, 'deployment watch loop: open windows', async (em) => {
      const rows = await em
        .getRepository(DeploymentEntity)
        .createQueryBuilder('d')
        .where(`d.status IN ('canary', 'active') AND d.window_ends_at IS NOT NULL AND NOT d.window_closed`)
        .orderBy('d.window_ends_at', 'ASC')
        .take(limit)
        .getMany();
      return rows.map((deployment) => ({ tenantId: deployment.tenantId, deployment }));
    });
  }

  /**
   * Deployments pending or warming without a transition for more than `olderThanMs` (PostgreSQL's
   * clock), every tenant, oldest first: their deploying process stopped (the watch loop's sweep).
   */
  stuck(olderThanMs: number, limit: number): Promise<Watched[]> {
    return withSystemScope(this.dataSource, 'deployment watch loop: interrupted deployments', async (em) => {
      const rows = await em
        .getRepository(DeploymentEntity)
        .createQueryBuilder('d')
        .where(`d.status IN (:...statuses) AND d.status_changed_at < clock_timestamp() - make_interval(secs => :ms::double precision / 1000)`, { statuses: IN_PROGRESS_STATUSES, ms: olderThanMs })
        .orderBy('d.status_changed_at', 'ASC')
        .take(limit)
        .getMany();
      return rows.map((deployment) => ({ tenantId: deployment.tenantId, deployment }));
    });
  }

  /**
   * Fails deployment `id` as interrupted if it is still pending or warming and has made no
   * transition for more than `olderThanMs` (compare-and-set on its status and age, by
   * PostgreSQL's clock, row locked): a deploy that is still being carried out within its bounds
   * is never touched, and two sweepers at once fail it once. `reason` gets the status and age.
   * Null when it moved on (or is not old enough).
   */
  interruptIfStuck(tenantId: TenantId, id: string, olderThanMs: number, note: (status: DeploymentStatus, stuckMs: number) => TransitionNote): Promise<{ deployment: DeploymentEntity; changes: Change[] } | null> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const rows = (await em.query(
        `SELECT status, (EXTRACT(EPOCH FROM clock_timestamp() - status_changed_at) * 1000)::double precision AS stuck_ms FROM deployments
          WHERE tenant_id = $1 AND id = $2 AND status = ANY($3::text[]) AND status_changed_at < clock_timestamp() - make_interval(secs => $4::double precision / 1000)
          FOR UPDATE`,
        [tenantId, id, IN_PROGRESS_STATUSES, olderThanMs],
      )) as { status: DeploymentStatus; stuck_ms: number }[];
      const found = rows[0];
      if (!found) return null;
      const seq = await applyTransition(em, tenantId, id, found.status, 'failed', note(found.status, Math.round(found.stuck_ms)));
      if (seq === null) return null;
      return { deployment: await em.getRepository(DeploymentEntity).findOneByOrFail({ tenantId, id }), changes: [{ tenantId, deploymentId: id, seq }] };
    });
  }

  /**
   * The start of a deployment, in one short transaction serialized per (tenant, agent) by a
   * transaction-level advisory lock (the key {@link agentLockKey}, shared with every switch and
   * with deactivation; released at commit). Waiting for it holds this one connection, for at most
   * {@link AGENT_LOCK_TIMEOUT_MS}; nothing remote is called inside. The version and artifact that
   * already serve are the answer (one record per version however many deploy it at once); one
   * that another request is preparing is waited for; otherwise a pending deployment is recorded.
   */
  begin(tenantId: TenantId, deployment: NewDeployment): Promise<Beginning> {
    return this.locked(tenantId, deployment.agent, async (em) => {
      const repo = em.getRepository(DeploymentEntity);
      const same = (d: DeploymentEntity | null) => d !== null && d.version === deployment.version && d.artifactHash === deployment.artifactHash;
      const active = await repo.findOneBy({ tenantId, agent: deployment.agent, status: 'active' });
      const canary = await repo.findOneBy({ tenantId, agent: deployment.agent, status: 'canary' });
      if (active && same(active) && !canary) return { kind: 'unchanged', deployment: active };
      if (canary && same(canary) && deployment.strategy === 'canary') return { kind: 'unchanged', deployment: canary };
      const preparing = await repo.findOne({
        where: { tenantId, agent: deployment.agent, version: deployment.version, artifactHash: deployment.artifactHash, strategy: deployment.strategy, status: In(IN_PROGRESS_STATUSES as DeploymentStatus[]) },
        order: { createdAt: 'DESC' },
      });
      if (preparing) return { kind: 'in_progress', deployment: preparing };
      await em.query(
        `INSERT INTO deployments (id, tenant_id, agent, version, content_hash, artifact_hash, status, created_by, approved_escalation_id, strategy, canary_percent, window_seconds, thresholds)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12)`,
        [
          deployment.id,
          tenantId,
          deployment.agent,
          deployment.version,
          deployment.contentHash,
          deployment.artifactHash,
          deployment.createdBy,
          deployment.approvedEscalationId ?? null,
          deployment.strategy,
          deployment.strategy === 'canary' ? deployment.canaryPercent : 0,
          deployment.windowSeconds,
          JSON.stringify(deployment.thresholds),
        ],
      );
      const seq = await recordTransition(em, tenantId, deployment.id, null, 'pending', { actor: deployment.createdBy, reason: deployment.reason });
      const created = await repo.findOneByOrFail({ tenantId, id: deployment.id });
      return { kind: 'created', deployment: created, changes: [{ tenantId, deploymentId: deployment.id, seq }] };
    });
  }

  /** One transition of one deployment (compare-and-set on its status); null when it is no longer in `from`. */
  async move(tenantId: TenantId, id: string, from: DeploymentStatus, to: DeploymentStatus, note: TransitionNote): Promise<{ deployment: DeploymentEntity; changes: Change[] } | null> {
    return withTenant(this.dataSource, tenantId, async (em) => {
      const seq = await applyTransition(em, tenantId, id, from, to, note);
      if (seq === null) return null;
      return { deployment: await em.getRepository(DeploymentEntity).findOneByOrFail({ tenantId, id }), changes: [{ tenantId, deploymentId: id, seq }] };
    });
  }

  /**
   * The switch, under the agent's lock: a warmed deployment becomes the canary (the agent keeps
   * its active version; an older canary is superseded, its runs stay pinned) or the active one
   * (the active deployment and any canary superseded). A canary of an agent with nothing active
   * is made active (there is nothing to split with). Returns null when the deployment is no
   * longer warming (another instance switched it).
   */
  switchTo(tenantId: TenantId, id: string, actor: string, patch: TransitionPatch): Promise<{ deployment: DeploymentEntity; changes: Change[] } | null> {
    return this.lockedFor(tenantId, id, async (em, d) => {
      if (d.status !== 'warming') return null;
      const repo = em.getRepository(DeploymentEntity);
      const active = await repo.findOneBy({ tenantId, agent: d.agent, status: 'active' });
      const canary = await repo.findOneBy({ tenantId, agent: d.agent, status: 'canary' });
      const changes: Change[] = [];
      const windowEndsAt = d.windowSeconds > 0 ? new Date(Date.now() + d.windowSeconds * 1000) : null;
      if (canary) changes.push(await this.change(em, tenantId, canary.id, 'canary', 'superseded', { actor, reason: `superseded by deployment ${d.id} (version ${d.version})`, patch: { supersededBy: d.id } }));
      if (d.strategy === 'canary' && active) {
        changes.push(await this.change(em, tenantId, d.id, 'warming', 'canary', { actor, reason: `canary: ${d.canaryPercent}% of new runs`, patch: { ...patch, previousDeploymentId: active.id, windowEndsAt } }));
      } else {
        if (active) changes.push(await this.change(em, tenantId, active.id, 'active', 'superseded', { actor, reason: `superseded by deployment ${d.id} (version ${d.version})`, patch: { supersededBy: d.id } }));
        const reason = d.strategy === 'canary' ? 'nothing was active to split runs with: activated' : 'activated';
        changes.push(await this.change(em, tenantId, d.id, 'warming', 'active', { actor, reason, patch: { ...patch, previousDeploymentId: active?.id ?? null, windowEndsAt } }));
      }
      return { deployment: await repo.findOneByOrFail({ tenantId, id }), changes };
    });
  }

  /**
   * Promotion, under the agent's lock: a canary becomes the active deployment (the active one
   * superseded); an active deployment still in its window has its window closed (a note). Null
   * when it is neither (already promoted, rolled back, ...).
   */
  promote(tenantId: TenantId, id: string, note: TransitionNote): Promise<{ deployment: DeploymentEntity; changes: Change[] } | null> {
    return this.lockedFor(tenantId, id, async (em, d) => {
      const repo = em.getRepository(DeploymentEntity);
      const changes: Change[] = [];
      if (d.status === 'canary') {
        const active = await repo.findOneBy({ tenantId, agent: d.agent, status: 'active' });
        if (active) changes.push(await this.change(em, tenantId, active.id, 'active', 'superseded', { actor: note.actor, reason: `superseded by the promoted canary ${d.id} (version ${d.version})`, patch: { supersededBy: d.id } }));
        changes.push(await this.change(em, tenantId, d.id, 'canary', 'active', { ...note, patch: { ...note.patch, windowClosed: true } }));
      } else if (d.status === 'active' && !d.windowClosed && d.windowEndsAt) {
        changes.push(await this.change(em, tenantId, d.id, 'active', 'active', { ...note, patch: { ...note.patch, windowClosed: true } }));
      } else {
        return null;
      }
      return { deployment: await repo.findOneByOrFail({ tenantId, id }), changes };
    });
  }

  /**
   * A rollback, under the agent's lock: the deployment (canary or active) → rolled_back; an active
   * one hands back to `reinstate` (default: the deployment it replaced) when that one is
   * superseded — it becomes active again. Null when the deployment is no longer canary/active
   * (rolled back already: idempotent). `reinstated` is null when nothing could be reinstated.
   */
  rollback(tenantId: TenantId, id: string, note: TransitionNote, reinstate?: string): Promise<{ deployment: DeploymentEntity; reinstated: DeploymentEntity | null; changes: Change[] } | null> {
    return this.lockedFor(tenantId, id, async (em, d) => {
      if (d.status !== 'canary' && d.status !== 'active') return null;
      const repo = em.getRepository(DeploymentEntity);
      const changes: Change[] = [await this.change(em, tenantId, d.id, d.status, 'rolled_back', { ...note, patch: { ...note.patch, reason: note.reason, windowClosed: true } })];
      let reinstated: DeploymentEntity | null = null;
      if (d.status === 'active') {
        const targetId = reinstate ?? d.previousDeploymentId;
        const target = targetId ? await repo.findOneBy({ tenantId, id: targetId }) : null;
        if (target && target.status === 'superseded') {
          changes.push(await this.change(em, tenantId, target.id, 'superseded', 'active', { actor: note.actor, reason: `reinstated by the rollback of deployment ${d.id} (version ${d.version})`, patch: { supersededBy: null } }));
          reinstated = await repo.findOneByOrFail({ tenantId, id: target.id });
        }
      }
      return { deployment: await repo.findOneByOrFail({ tenantId, id }), reinstated, changes };
    });
  }

  private async change(em: EntityManager, tenantId: TenantId, id: string, from: DeploymentStatus, to: DeploymentStatus, note: TransitionNote): Promise<Change> {
    const seq = await applyTransition(em, tenantId, id, from, to, note);
    if (seq === null) throw new AppError(ErrorCode.Conflict, `deployment ${id} is no longer ${from}`);
    return { tenantId, deploymentId: id, seq };
  }

  /** {@link locked} for the agent of deployment `id` (null when it does not exist). */
  private async lockedFor<T>(tenantId: TenantId, id: string, work: (em: EntityManager, d: DeploymentEntity) => Promise<T | null>): Promise<T | null> {
    const found = await this.find(tenantId, id);
    if (!found) return null;
    return this.locked(tenantId, found.agent, async (em) => {
      const d = await em.getRepository(DeploymentEntity).findOneByOrFail({ tenantId, id });
      return work(em, d);
    });
  }

  private async locked<T>(tenantId: TenantId, agent: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await withTenant(this.dataSource, tenantId, async (em) => {
        await em.query(`SELECT set_config('lock_timeout', $1, true)`, [`${AGENT_LOCK_TIMEOUT_MS}ms`]);
        await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [agentLockKey(tenantId, agent)]);
        return work(em);
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === LOCK_NOT_AVAILABLE) {
        throw new AppError(ErrorCode.Unavailable, `another deployment of "${agent}" did not finish within ${AGENT_LOCK_TIMEOUT_MS} ms; retry shortly`, { path: '/agent', cause: error });
      }
      throw error;
    }
  }
}

interface TransitionRow {
  deployment_id: string;
  seq: number;
  from_status: DeploymentStatus | null;
  to_status: DeploymentStatus;
  at: Date;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
}

function toTransition(r: TransitionRow): TransitionRecord {
  return { deploymentId: r.deployment_id, seq: r.seq, from: r.from_status, to: r.to_status, at: r.at, actor: r.actor, reason: r.reason, details: r.details };
}

/**
 * Moves deployment `id` from `from` to `to` if the state machine allows it and it is still in
 * `from` (compare-and-set), writes the patch, and records the transition. Returns its seq, or
 * null when the deployment moved on meanwhile.
 */
export async function applyTransition(em: EntityManager, tenantId: TenantId, id: string, from: DeploymentStatus, to: DeploymentStatus, note: TransitionNote): Promise<number | null> {
  if (!canTransition(from, to)) throw new AppError(ErrorCode.Internal, `deployment transition ${from} → ${to} is not allowed`);
  const sets = ['status = $3', 'status_changed_at = clock_timestamp()', 'transition_seq = transition_seq + 1'];
  const params: unknown[] = [tenantId, id, to, from];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  const p = note.patch ?? {};
  if (p.reason !== undefined) set('reason', p.reason);
  if (p.evalReport !== undefined) set('eval_report', p.evalReport === null ? null : JSON.stringify(p.evalReport));
  if (p.forced !== undefined) set('forced', p.forced);
  if (p.previousDeploymentId !== undefined) set('previous_deployment_id', p.previousDeploymentId);
  if (p.windowEndsAt !== undefined) set('window_ends_at', p.windowEndsAt);
  if (p.windowClosed !== undefined) set('window_closed', p.windowClosed);
  if (p.swapMs !== undefined) set('swap_ms', p.swapMs);
  if (p.supersededBy !== undefined) set('superseded_by', p.supersededBy);
  if (p.deactivatedReason !== undefined) set('deactivated_reason', p.deactivatedReason);
  if (to === 'superseded') sets.push('superseded_at = clock_timestamp()');
  if (to === 'deactivated') sets.push('deactivated_at = clock_timestamp()');
  if (from === 'superseded' && to === 'active') sets.push('superseded_at = NULL');
  const rows = (await em.query(`UPDATE deployments SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 AND status = $4 RETURNING transition_seq`, params)) as [{ transition_seq: number }[], number];
  const seq = rows[0][0]?.transition_seq;
  if (seq === undefined) return null;
  await em.query(`INSERT INTO deployment_transitions (tenant_id, deployment_id, seq, from_status, to_status, actor, reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    tenantId,
    id,
    seq,
    from,
    to,
    note.actor,
    note.reason,
    JSON.stringify(note.details ?? {}),
  ]);
  return seq;
}

/** The first transition (null → pending) of a deployment just inserted (transition_seq 0 → 1). */
async function recordTransition(em: EntityManager, tenantId: TenantId, id: string, from: null, to: 'pending', note: TransitionNote): Promise<number> {
  if (!canTransition(from, to)) throw new AppError(ErrorCode.Internal, `deployment transition → ${to} is not allowed`);
  await em.query(`UPDATE deployments SET transition_seq = 1 WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  await em.query(`INSERT INTO deployment_transitions (tenant_id, deployment_id, seq, from_status, to_status, actor, reason, details) VALUES ($1, $2, 1, NULL, $3, $4, $5, '{}'::jsonb)`, [
    tenantId,
    id,
    to,
    note.actor,
    note.reason,
  ]);
  return 1;
}

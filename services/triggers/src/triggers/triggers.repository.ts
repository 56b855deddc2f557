import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';

export type RegisteredType = 'schedule' | 'event' | 'webhook';

/** What is stored per trigger (`spec`): the normalized trigger plus what the service derived at registration. */
export interface StoredSpec {
  cron?: string;
  timezone?: string;
  subject?: string;
  secret?: string;
  input?: Record<string, unknown> | null;
  /** Schedule: the agent's input schema declares `scheduledAt`, so the tick's time is added to the input. */
  addScheduledAt?: boolean;
}

export interface NewTrigger {
  triggerId: string;
  type: RegisteredType;
  spec: StoredSpec;
  nextFireAt: Date | null;
}

export interface Registration {
  deploymentId: string;
  version: number;
  artifactHash: string;
  triggers: NewTrigger[];
}

export interface TriggerRow {
  tenantId: TenantId;
  agent: string;
  triggerId: string;
  type: RegisteredType;
  version: number;
  deploymentId: string;
  spec: StoredSpec;
  nextFireAt: Date | null;
  lastFiredAt: Date | null;
  fired: bigint;
  missed: bigint;
}

interface RawRow {
  tenant_id: string;
  agent: string;
  trigger_id: string;
  type: RegisteredType;
  version: number;
  deployment_id: string;
  spec: StoredSpec;
  next_fire_at: Date | null;
  last_fired_at: Date | null;
  fired: string;
  missed: string;
}

const COLUMNS = 'tenant_id, agent, trigger_id, type, version, deployment_id, spec, next_fire_at, last_fired_at, fired::text AS fired, missed::text AS missed';

function toRow(r: RawRow): TriggerRow {
  return {
    tenantId: r.tenant_id as TenantId,
    agent: r.agent,
    triggerId: r.trigger_id,
    type: r.type,
    version: r.version,
    deploymentId: r.deployment_id,
    spec: r.spec,
    nextFireAt: r.next_fire_at,
    lastFiredAt: r.last_fired_at,
    fired: BigInt(r.fired),
    missed: BigInt(r.missed),
  };
}

/** One claimed schedule inside the claiming transaction: its tick is taken once, then the row moves on. */
export interface DueSchedules {
  /** Inserts (trigger, tick): true for the one transaction that wins it across every instance. */
  claimTick(row: TriggerRow, tickAt: Date): Promise<boolean>;
  recordTickRun(row: TriggerRow, tickAt: Date, runId: string): Promise<void>;
  /** Moves the schedule to its next tick; `fired` adds one fire at `firedAt`; `missed` adds skipped ticks. */
  advance(row: TriggerRow, next: Date | null, fired: Date | null, missed: number): Promise<void>;
}

/** Registered triggers, claimed schedule ticks and used webhook signatures: the only place with SQL. */
@Injectable()
export class TriggersRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The deployment whose triggers are registered (active) for the agent, null when none. */
  registeredDeployment(tenantId: TenantId, agent: string): Promise<string | null> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [row] = (await m.query(`SELECT deployment_id FROM triggers WHERE tenant_id = $1 AND agent = $2 AND active LIMIT 1`, [tenantId, agent])) as { deployment_id: string }[];
      return row?.deployment_id ?? null;
    });
  }

  /**
   * Replaces the agent's triggers with a deployment's (one transaction, the agent's rows locked).
   * A trigger keeping its id and type keeps its counters. False when that deployment's triggers
   * were already the registered ones (a redelivered event changes nothing).
   */
  replace(tenantId: TenantId, agent: string, registration: Registration): Promise<boolean> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      await lockAgent(m, tenantId, agent);
      const current = (await m.query(`SELECT ${COLUMNS}, active FROM triggers WHERE tenant_id = $1 AND agent = $2`, [tenantId, agent])) as (RawRow & { active: boolean })[];
      const same =
        current.length === registration.triggers.length &&
        current.every((r) => r.active && r.deployment_id === registration.deploymentId) &&
        (current.length > 0 || registration.triggers.length === 0);
      if (same && current.length > 0) return false;
      await m.query(`DELETE FROM triggers WHERE tenant_id = $1 AND agent = $2`, [tenantId, agent]);
      for (const t of registration.triggers) {
        const kept = current.find((r) => r.trigger_id === t.triggerId && r.type === t.type);
        await m.query(
          `INSERT INTO triggers (tenant_id, agent, trigger_id, type, version, deployment_id, artifact_hash, spec, next_fire_at, last_fired_at, fired, missed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::bigint, $12::bigint)`,
          [tenantId, agent, t.triggerId, t.type, registration.version, registration.deploymentId, registration.artifactHash, JSON.stringify(t.spec), t.nextFireAt, kept?.last_fired_at ?? null, kept?.fired ?? '0', kept?.missed ?? '0'],
        );
      }
      return true;
    });
  }

  /** No deployment is active for the agent any more: its triggers stop (kept for the list, inactive). Returns how many stopped. */
  deactivate(tenantId: TenantId, agent: string): Promise<number> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const rows = (await m.query(`UPDATE triggers SET active = false, next_fire_at = NULL WHERE tenant_id = $1 AND agent = $2 AND active RETURNING 1`, [tenantId, agent])) as unknown[][];
      return affected(rows);
    });
  }

  /**
   * Claims up to `limit` schedules due at `now` across every tenant (system scope, FOR UPDATE SKIP
   * LOCKED: another instance skips what this one holds) and hands them to `work` inside the same
   * transaction. A `work` that throws rolls back: the tick is claimed again on the next pass.
   */
  withDueSchedules(now: Date, limit: number, work: (rows: TriggerRow[], tx: DueSchedules) => Promise<void>): Promise<void> {
    return withSystemScope(this.dataSource, 'claim due schedule ticks', async (m) => {
      const rows = ((await m.query(
        `SELECT ${COLUMNS} FROM triggers WHERE active AND type = 'schedule' AND next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      )) as RawRow[]).map(toRow);
      if (rows.length === 0) return;
      await work(rows, {
        async claimTick(row, tickAt) {
          const won = (await m.query(
            `INSERT INTO trigger_ticks (tenant_id, agent, trigger_id, tick_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
            [row.tenantId, row.agent, row.triggerId, tickAt],
          )) as unknown[];
          return won.length === 1;
        },
        async recordTickRun(row, tickAt, runId) {
          await m.query(`UPDATE trigger_ticks SET run_id = $5 WHERE tenant_id = $1 AND agent = $2 AND trigger_id = $3 AND tick_at = $4`, [row.tenantId, row.agent, row.triggerId, tickAt, runId]);
        },
        async advance(row, next, fired, missed) {
          await m.query(
            `UPDATE triggers SET next_fire_at = $4, last_fired_at = COALESCE($5, last_fired_at), fired = fired + $6, missed = missed + $7
              WHERE tenant_id = $1 AND agent = $2 AND trigger_id = $3`,
            [row.tenantId, row.agent, row.triggerId, next, fired, fired ? 1 : 0, missed],
          );
        },
      });
    });
  }

  /** The tenant's active event triggers (every agent). */
  activeEventTriggers(tenantId: TenantId): Promise<TriggerRow[]> {
    return withTenant(this.dataSource, tenantId, async (m) =>
      ((await m.query(`SELECT ${COLUMNS} FROM triggers WHERE tenant_id = $1 AND active AND type = 'event' ORDER BY agent, trigger_id`, [tenantId])) as RawRow[]).map(toRow),
    );
  }

  /** One active trigger of a type, null when there is none. */
  findActive(tenantId: TenantId, agent: string, triggerId: string, type: RegisteredType): Promise<TriggerRow | null> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [row] = (await m.query(`SELECT ${COLUMNS} FROM triggers WHERE tenant_id = $1 AND agent = $2 AND trigger_id = $3 AND type = $4 AND active`, [tenantId, agent, triggerId, type])) as RawRow[];
      return row ? toRow(row) : null;
    });
  }

  /** An event or webhook trigger started a run. */
  recordFire(tenantId: TenantId, agent: string, triggerId: string): Promise<void> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      await m.query(`UPDATE triggers SET fired = fired + 1, last_fired_at = clock_timestamp() WHERE tenant_id = $1 AND agent = $2 AND trigger_id = $3`, [tenantId, agent, triggerId]);
    });
  }

  /** Records a webhook signature as used: false when it was used before (a replay). */
  useSignature(tenantId: TenantId, signature: string): Promise<boolean> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const rows = (await m.query(`INSERT INTO hook_nonces (tenant_id, signature) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [tenantId, signature])) as unknown[];
      return rows.length === 1;
    });
  }

  /** Forgets signatures used longer ago than `olderThanMs` (their timestamps are stale by then anyway). */
  pruneSignatures(olderThanMs: number): Promise<number> {
    return withSystemScope(this.dataSource, 'prune used webhook signatures', async (m) => {
      const rows = (await m.query(`DELETE FROM hook_nonces WHERE used_at < clock_timestamp() - ($1::bigint * interval '1 millisecond') RETURNING 1`, [olderThanMs])) as unknown[][];
      return affected(rows);
    });
  }

  /** The tenant's registered triggers (one agent, or all when agent is ''), active ones first. */
  list(tenantId: TenantId, agent: string): Promise<TriggerRow[]> {
    return withTenant(this.dataSource, tenantId, async (m) =>
      ((await m.query(`SELECT ${COLUMNS} FROM triggers WHERE tenant_id = $1 AND ($2 = '' OR agent = $2) AND active ORDER BY agent, trigger_id LIMIT 1000`, [tenantId, agent])) as RawRow[]).map(toRow),
    );
  }
}

/** Serializes registrations of one agent (two deployment events at once): a transaction-scoped advisory lock. */
async function lockAgent(m: EntityManager, tenantId: string, agent: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`triggers:${tenantId}:${agent}`]);
}

/** TypeORM's raw UPDATE/DELETE … RETURNING answers [rows, count] on PostgreSQL. */
function affected(result: unknown[][] | unknown[]): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return result.length;
}

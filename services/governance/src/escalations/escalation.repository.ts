import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import type { StoredLevel } from './escalation-policy.js';
import { toEscalationMessage, type DecisionRow, type EscalationMessage, type EscalationRow, type EscalationStatus } from './escalation.view.js';

export type EscalationEventType = 'opened' | 'escalated' | 'decided';

/** One outbox row: the escalation as it was when the event happened. */
export interface EscalationEvent {
  id: string;
  tenantId: string;
  escalationId: string;
  type: EscalationEventType;
  /** Who caused it: the requester (opened), an approver, or "policy". */
  actor: string;
  escalation: EscalationMessage;
}

export interface NewEscalation {
  idempotencyKey: string;
  kind: string;
  runId: string;
  stepId: string;
  agent: string;
  version: number;
  tool: string;
  argumentsJson: string;
  risk: string;
  rule: string;
  reason: string;
  requestedBy: string;
  requiredPermission: string;
  quorum: number;
  levels: StoredLevel[];
  detailsJson: string;
  correlationId: string;
}

export interface EscalationFilter {
  status: string;
  kind: string;
  runId: string;
  /** Rows strictly older than this sequence number (the page cursor). */
  beforeSeq: bigint | null;
  limit: number;
}

/** What the service decided about a decision, inside the row lock. */
export type DecisionVerdict =
  | { kind: 'record'; decision: 'approve' | 'reject'; reason: string; closes: EscalationStatus | null }
  | { kind: 'refuse'; error: Error };

export type DueVerdict = { kind: 'escalate'; level: number; deadlineSeconds: number } | { kind: 'reject'; reason: string };

const COLUMNS = `e.id, e.tenant_id, e.kind, e.status, e.run_id, e.step_id, e.agent, e.version, e.tool, e.arguments_json, e.risk, e.rule, e.reason,
  e.requested_by, e.required_permission, e.quorum, e.levels, e.level, e.deadline, e.decided_at, e.decided_by, e.decision_reason,
  e.details_json, e.correlation_id, e.created_at, e.seq::text AS seq`;

interface RawEscalation {
  id: string;
  tenant_id: string;
  kind: string;
  status: EscalationStatus;
  run_id: string;
  step_id: string;
  agent: string;
  version: number;
  tool: string;
  arguments_json: string;
  risk: string;
  rule: string;
  reason: string;
  requested_by: string;
  required_permission: string;
  quorum: number;
  levels: StoredLevel[];
  level: number;
  deadline: Date;
  decided_at: Date | null;
  decided_by: string;
  decision_reason: string;
  details_json: string;
  correlation_id: string;
  created_at: Date;
  seq: string;
}

/**
 * Escalations, their decisions and their event outbox; every tenant-facing query runs in its
 * tenant's transaction (row-level security) and carries the tenant too; the sweeper, the gauge and
 * the outbox relay run in the system scope. The only place with SQL.
 */
@Injectable()
export class EscalationRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Opens an escalation once per (tenant, idempotency key); the second open returns the first. */
  open(tenantId: TenantId, input: NewEscalation): Promise<{ row: EscalationRow; created: boolean; event: EscalationEvent | null }> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const inserted: { id: string }[] = await m.query(
        `INSERT INTO escalations (id, tenant_id, idempotency_key, kind, run_id, step_id, agent, version, tool, arguments_json, risk, rule, reason,
                                  requested_by, required_permission, quorum, levels, level, deadline, details_json, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, 1, now() + ($18::int * interval '1 second'), $19, $20)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
        [
          randomUUID(), tenantId, input.idempotencyKey, input.kind, input.runId, input.stepId, input.agent, input.version, input.tool, input.argumentsJson, input.risk, input.rule,
          input.reason, input.requestedBy, input.requiredPermission, input.quorum, JSON.stringify(input.levels), input.levels[0]!.deadlineSeconds, input.detailsJson, input.correlationId,
        ],
      );
      if (inserted[0]) {
        const row = (await findRow(m, tenantId, inserted[0].id, false))!;
        const event = await insertEvent(m, row, 'opened', input.requestedBy);
        return { row, created: true, event };
      }
      const existing: { id: string }[] = await m.query(`SELECT id FROM escalations WHERE tenant_id = $1 AND idempotency_key = $2`, [tenantId, input.idempotencyKey]);
      return { row: (await findRow(m, tenantId, existing[0]!.id, false))!, created: false, event: null };
    });
  }

  find(tenantId: TenantId, id: string): Promise<EscalationRow | null> {
    return withTenant(this.dataSource, tenantId, (m) => findRow(m, tenantId, id, false));
  }

  /** A page of the tenant's escalations, newest first (`seq` orders them and is the cursor). */
  async list(tenantId: TenantId, filter: EscalationFilter): Promise<{ rows: EscalationRow[]; lastSeq: string | null }> {
    const params: unknown[] = [tenantId];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['e.tenant_id = $1'];
    if (filter.status) where.push(`e.status = ${param(filter.status)}`);
    if (filter.kind) where.push(`e.kind = ${param(filter.kind)}`);
    if (filter.runId) where.push(`e.run_id = ${param(filter.runId)}`);
    if (filter.beforeSeq !== null) where.push(`e.seq < ${param(filter.beforeSeq.toString())}::bigint`);
    return withTenant(this.dataSource, tenantId, async (m) => {
      const raws: RawEscalation[] = await m.query(`SELECT ${COLUMNS} FROM escalations e WHERE ${where.join(' AND ')} ORDER BY e.seq DESC LIMIT ${param(filter.limit)}`, params);
      const decisions = await decisionsOf(m, raws.map((r) => r.id));
      return { rows: raws.map((r) => fromRaw(r, decisions.get(r.id) ?? [])), lastSeq: raws.at(-1)?.seq ?? null };
    });
  }

  /**
   * A decision under the escalation's row lock: concurrent deciders serialize, so two approvers
   * at once cannot both be the first, and nobody decides a closed escalation. `judge` (the
   * service's rules) sees the locked row and says what to record; null when there is no such escalation.
   */
  decide(tenantId: TenantId, id: string, actor: string, judge: (row: EscalationRow) => DecisionVerdict): Promise<{ row: EscalationRow; event: EscalationEvent | null } | null> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const row = await findRow(m, tenantId, id, true);
      if (!row) return null;
      const verdict = judge(row);
      if (verdict.kind === 'refuse') throw verdict.error;
      await m.query(`INSERT INTO escalation_decisions (escalation_id, actor, tenant_id, decision, reason, level) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id, actor, tenantId, verdict.decision, verdict.reason, row.level,
      ]);
      if (verdict.closes) {
        await m.query(`UPDATE escalations SET status = $3, decided_at = clock_timestamp(), decided_by = $4, decision_reason = $5 WHERE tenant_id = $1 AND id = $2`, [
          tenantId, id, verdict.closes, actor, verdict.reason,
        ]);
      }
      const updated = (await findRow(m, tenantId, id, false))!;
      return { row: updated, event: verdict.closes ? await insertEvent(m, updated, 'decided', actor) : null };
    });
  }

  /**
   * Deadline sweep, across tenants by design: pending escalations past their level's deadline,
   * locked with SKIP LOCKED (several instances sweep without waiting for one another or taking
   * the same row twice); `judge` says escalate to the next level or reject by policy.
   */
  sweepDue(limit: number, judge: (row: EscalationRow) => DueVerdict): Promise<EscalationEvent[]> {
    return withSystemScope(this.dataSource, 'governance: escalation deadline sweep', async (m) => {
      const due: { id: string; tenant_id: string }[] = await m.query(
        `SELECT id, tenant_id FROM escalations WHERE status = 'pending' AND deadline <= now() ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const events: EscalationEvent[] = [];
      for (const { id, tenant_id } of due) {
        const tenantId = tenant_id as TenantId;
        const row = (await findRow(m, tenantId, id, false))!;
        const verdict = judge(row);
        if (verdict.kind === 'escalate') {
          await m.query(`UPDATE escalations SET level = $3, deadline = clock_timestamp() + ($4::int * interval '1 second') WHERE tenant_id = $1 AND id = $2`, [
            tenantId, id, verdict.level, verdict.deadlineSeconds,
          ]);
        } else {
          await m.query(`UPDATE escalations SET status = 'rejected', decided_at = clock_timestamp(), decided_by = 'policy', decision_reason = $3 WHERE tenant_id = $1 AND id = $2`, [
            tenantId, id, verdict.reason,
          ]);
        }
        const updated = (await findRow(m, tenantId, id, false))!;
        events.push(await insertEvent(m, updated, verdict.kind === 'escalate' ? 'escalated' : 'decided', 'policy'));
      }
      return events;
    });
  }

  /**
   * Closes a run's pending escalations (tool_call / low_confidence) as rejected by `decidedBy`,
   * each with its decided event, in one transaction of the tenant; rows locked so a concurrent
   * approver or the deadline sweep either decides first (then the row is no longer pending) or
   * waits. Already closed ones are left alone: a repeat closes nothing.
   */
  closePendingOfRun(tenantId: TenantId, runId: string, decidedBy: string, reason: string): Promise<EscalationEvent[]> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const ids: { id: string }[] = await m.query(
        `SELECT id FROM escalations WHERE tenant_id = $1 AND run_id = $2 AND status = 'pending' AND kind IN ('tool_call', 'low_confidence') ORDER BY seq FOR UPDATE`,
        [tenantId, runId],
      );
      const events: EscalationEvent[] = [];
      for (const { id } of ids) {
        await m.query(`UPDATE escalations SET status = 'rejected', decided_at = clock_timestamp(), decided_by = $3, decision_reason = $4 WHERE tenant_id = $1 AND id = $2`, [
          tenantId, id, decidedBy, reason,
        ]);
        const updated = (await findRow(m, tenantId, id, false))!;
        events.push(await insertEvent(m, updated, 'decided', decidedBy));
      }
      return events;
    });
  }

  /** Pending escalations by kind, across tenants (the pending gauge). */
  async pendingByKind(): Promise<Map<string, number>> {
    const rows: { kind: string; n: number }[] = await withSystemScope(this.dataSource, 'governance: pending escalations gauge', (m) =>
      m.query(`SELECT kind, count(*)::int AS n FROM escalations WHERE status = 'pending' GROUP BY kind`),
    );
    return new Map(rows.map((r) => [r.kind, r.n]));
  }

  async markEventPublished(tenantId: TenantId, eventId: string): Promise<void> {
    await withTenant(this.dataSource, tenantId, (m) =>
      m.query(`UPDATE escalation_events SET published_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2 AND published_at IS NULL`, [tenantId, eventId]),
    );
  }

  /** Outbox relay only, across tenants by design: events written more than `olderThanMs` ago and not yet published, oldest first. */
  async findUnpublishedEvents(olderThanMs: number, limit: number): Promise<EscalationEvent[]> {
    const rows: RawEvent[] = await withSystemScope(this.dataSource, 'governance: escalation events outbox relay', (m) =>
      m.query(
        `SELECT id, tenant_id, escalation_id, type, actor, escalation FROM escalation_events
          WHERE published_at IS NULL AND created_at < clock_timestamp() - ($1::int * interval '1 millisecond') ORDER BY created_at LIMIT $2`,
        [olderThanMs, limit],
      ),
    );
    return rows.map(fromRawEvent);
  }
}

interface RawEvent {
  id: string;
  tenant_id: string;
  escalation_id: string;
  type: EscalationEventType;
  actor: string;
  escalation: EscalationMessage;
}

function fromRawEvent(r: RawEvent): EscalationEvent {
  return { id: r.id, tenantId: r.tenant_id, escalationId: r.escalation_id, type: r.type, actor: r.actor, escalation: r.escalation };
}

async function insertEvent(m: EntityManager, row: EscalationRow, type: EscalationEventType, actor: string): Promise<EscalationEvent> {
  const event = { id: randomUUID(), tenantId: row.tenantId, escalationId: row.id, type, actor, escalation: toEscalationMessage(row) };
  await m.query(`INSERT INTO escalation_events (id, tenant_id, escalation_id, type, actor, escalation) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`, [
    event.id, event.tenantId, event.escalationId, type, actor, JSON.stringify(event.escalation),
  ]);
  return event;
}

async function findRow(m: EntityManager, tenantId: TenantId, id: string, lock: boolean): Promise<EscalationRow | null> {
  const raws: RawEscalation[] = await m.query(`SELECT ${COLUMNS} FROM escalations e WHERE e.tenant_id = $1 AND e.id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  if (!raws[0]) return null;
  const decisions = await decisionsOf(m, [id]);
  return fromRaw(raws[0], decisions.get(id) ?? []);
}

async function decisionsOf(m: EntityManager, ids: string[]): Promise<Map<string, DecisionRow[]>> {
  const byId = new Map<string, DecisionRow[]>();
  if (ids.length === 0) return byId;
  const rows: { escalation_id: string; actor: string; decision: 'approve' | 'reject'; reason: string; level: number; at: Date }[] = await m.query(
    `SELECT escalation_id, actor, decision, reason, level, at FROM escalation_decisions WHERE escalation_id = ANY($1::uuid[]) ORDER BY at, actor`,
    [ids],
  );
  for (const r of rows) {
    const list = byId.get(r.escalation_id) ?? [];
    list.push({ actor: r.actor, decision: r.decision, reason: r.reason, level: r.level, at: r.at });
    byId.set(r.escalation_id, list);
  }
  return byId;
}

function fromRaw(r: RawEscalation, decisions: DecisionRow[]): EscalationRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    kind: r.kind,
    status: r.status,
    runId: r.run_id,
    stepId: r.step_id,
    agent: r.agent,
    version: r.version,
    tool: r.tool,
    argumentsJson: r.arguments_json,
    risk: r.risk,
    rule: r.rule,
    reason: r.reason,
    requestedBy: r.requested_by,
    requiredPermission: r.required_permission,
    quorum: r.quorum,
    levels: r.levels,
    level: r.level,
    deadline: r.deadline,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
    detailsJson: r.details_json,
    correlationId: r.correlation_id,
    createdAt: r.created_at,
    decisions,
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter, Gauge } from 'prom-client';
import {
  permissionsOf,
  type Caller,
  type DecideEscalationRequest,
  type EscalationReplySchema,
  type GetEscalationRequest,
  type ListEscalationsReplySchema,
  type ListEscalationsRequest,
  type OpenEscalationRequest,
  type Permission,
  type RunCancelled,
  type TenantId,
} from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, RequestContext, type Logger } from '@af/observability';
import { resolvePolicy } from './escalation-policy.js';
import { EscalationRepository, type DecisionVerdict, type DueVerdict, type EscalationEvent } from './escalation.repository.js';
import { approvalsOf, toEscalationMessage, type EscalationRow } from './escalation.view.js';
import { ESCALATIONS_OPTIONS, type EscalationsOptions } from './escalations.options.js';

type Reply = MessageInitShape<typeof EscalationReplySchema>;

const KINDS = ['tool_call', 'low_confidence', 'deployment'] as const;
const RISKS = ['internal', 'external', 'realWorld'] as const;
const STATUSES = ['pending', 'approved', 'rejected'] as const;
const APPROVAL_PERMISSIONS: readonly Permission[] = ['ApproveActions', 'ApproveRealWorld'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_ARGUMENTS_BYTES = 64 * 1024;
const MAX_DETAILS_BYTES = 16 * 1024;
const MAX_REASON_CHARS = 2_000;
/** The model's stated reason for a call may run longer than an approver's. */
const MAX_REQUEST_REASON_CHARS = 8_000;
const MAX_KEY_CHARS = 512;
const MAX_TEXT_CHARS = 256;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const SWEEP_BATCH = 100;
const POLICY = 'policy';
/** decided_by of escalations closed because their run was cancelled. */
const SYSTEM = 'system';

/**
 * Escalations: opened by whoever must wait for a human, decided by approvers (permission, level
 * role, never the requester, distinct approvers up to the quorum), moved on or rejected by policy
 * at their deadlines. Every change writes its event to the outbox in the same transaction; the
 * event is then published on af.v1.escalations.event.* and audited (the relay retries).
 */
@Injectable()
export class EscalationService {
  private readonly opened: Counter<'kind'>;
  private readonly decided: Counter<'kind' | 'outcome' | 'by'>;
  private readonly escalated: Counter<'kind'>;
  private readonly pending: Gauge<'kind'>;
  private readonly events: Counter<'result'>;

  constructor(
    private readonly escalations: EscalationRepository,
    private readonly bus: MessageBus,
    private readonly audit: AuditTrail,
    @Inject(ESCALATIONS_OPTIONS) private readonly options: EscalationsOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.opened = metrics.counter('af_escalations_opened_total', 'Escalations opened, by kind', ['kind']);
    this.decided = metrics.counter('af_escalations_decided_total', 'Escalations decided, by kind, outcome (approved | rejected) and by (approver | policy | system: run cancelled)', ['kind', 'outcome', 'by']);
    this.escalated = metrics.counter('af_escalations_deadline_escalations_total', 'Escalations moved to their next approval level at a deadline, by kind', ['kind']);
    this.pending = metrics.gauge('af_escalations_pending', 'Pending escalations (all tenants), by kind, as of the last sweep', ['kind']);
    this.events = metrics.counter('af_escalation_events_published_total', 'af.v1.escalations.event.* publishes, by result (published | deferred)', ['result']);
  }

  async open(tenantId: TenantId, request: OpenEscalationRequest): Promise<Reply> {
    const key = text(request.idempotencyKey, '/idempotencyKey', MAX_KEY_CHARS, true);
    const kind = oneOf(request.kind, KINDS, '/kind');
    const risk = oneOf(request.risk, RISKS, '/risk');
    const requiredPermission = this.requiredPermissionOf(request.requiredPermission, risk);
    const runId = text(request.runId, '/runId', MAX_TEXT_CHARS, kind !== 'deployment');
    const agent = text(request.agent, '/agent', MAX_TEXT_CHARS, true);
    if (!Number.isInteger(request.version) || request.version < 0) throw AppError.invalid('version must be 0 or a positive integer', '/version');
    const policy = resolvePolicy(request.policy, requiredPermission, this.options);
    const opened = await this.escalations.open(tenantId, {
      idempotencyKey: key,
      kind,
      runId,
      stepId: text(request.stepId, '/stepId', MAX_TEXT_CHARS, false),
      agent,
      version: request.version,
      tool: text(request.tool, '/tool', MAX_TEXT_CHARS, kind === 'tool_call'),
      argumentsJson: json(request.argumentsJson, '/argumentsJson', MAX_ARGUMENTS_BYTES),
      risk,
      rule: text(request.rule, '/rule', MAX_TEXT_CHARS, true),
      reason: text(request.reason, '/reason', MAX_REQUEST_REASON_CHARS, false),
      requestedBy: text(request.requestedBy, '/requestedBy', MAX_TEXT_CHARS, true),
      requiredPermission,
      quorum: policy.quorum,
      levels: policy.levels,
      detailsJson: json(request.detailsJson, '/detailsJson', MAX_DETAILS_BYTES) || '{}',
      correlationId: RequestContext.current()?.correlationId ?? '',
    });
    if (opened.event) {
      this.opened.inc({ kind });
      await this.publish(opened.event);
    }
    return { escalation: toEscalationMessage(opened.row), created: opened.created };
  }

  async get(tenantId: TenantId, request: GetEscalationRequest): Promise<Reply> {
    return { escalation: toEscalationMessage(await this.find(tenantId, request.id)), created: false };
  }

  async list(tenantId: TenantId, request: ListEscalationsRequest): Promise<MessageInitShape<typeof ListEscalationsReplySchema>> {
    const status = request.status ? oneOf(request.status, STATUSES, '/status') : '';
    const kind = request.kind ? oneOf(request.kind, KINDS, '/kind') : '';
    if (request.limit < 0 || request.limit > MAX_LIMIT) throw AppError.invalid(`limit must be from 1 to ${MAX_LIMIT}`, '/limit');
    const limit = request.limit || DEFAULT_LIMIT;
    const { rows, lastSeq } = await this.escalations.list(tenantId, {
      status,
      kind,
      runId: text(request.runId, '/runId', MAX_TEXT_CHARS, false),
      beforeSeq: decodeCursor(request.cursor),
      limit,
    });
    return { items: rows.map(toEscalationMessage), nextCursor: rows.length === limit && lastSeq ? encodeCursor(lastSeq) : '' };
  }

  async decide(tenantId: TenantId, request: DecideEscalationRequest): Promise<Reply> {
    const decision = oneOf(request.decision, ['approve', 'reject'] as const, '/decision');
    if (request.reason.length > MAX_REASON_CHARS) throw AppError.invalid(`reason must be at most ${MAX_REASON_CHARS} characters`, '/reason');
    const reason = request.reason.trim();
    if (decision === 'reject' && !reason) throw AppError.invalid('a rejection needs a reason', '/reason');
    const caller = request.caller;
    if (!caller?.subject) throw new AppError(ErrorCode.Unauthenticated, 'a decision needs the caller (subject, roles, permissions)', { path: '/caller' });
    if (!UUID.test(request.id)) throw AppError.notFound(`escalation ${request.id}`, '/id');
    const outcome = await this.escalations.decide(tenantId, request.id, caller.subject, (row) => judgeDecision(row, caller, decision, reason));
    if (!outcome) throw AppError.notFound(`escalation ${request.id}`, '/id');
    if (outcome.event) {
      this.decided.inc({ kind: outcome.row.kind, outcome: outcome.row.status, by: 'approver' });
      await this.publish(outcome.event);
    }
    this.logger.info({ escalationId: outcome.row.id, decision, actor: caller.subject, status: outcome.row.status }, 'escalation decision recorded');
    return { escalation: toEscalationMessage(outcome.row), created: false };
  }

  /**
   * One deadline pass: every pending escalation past its level's deadline moves to the next
   * level, or after the last one is rejected by policy — never approved. Returns how many moved.
   */
  async sweep(): Promise<number> {
    let moved = 0;
    for (;;) {
      const events = await this.escalations.sweepDue(SWEEP_BATCH, judgeDeadline);
      for (const event of events) {
        if (event.type === 'escalated') this.escalated.inc({ kind: event.escalation.kind ?? '' });
        else this.decided.inc({ kind: event.escalation.kind ?? '', outcome: 'rejected', by: POLICY });
        await this.publish(event);
      }
      moved += events.length;
      if (events.length < SWEEP_BATCH) break;
    }
    const pending = await this.escalations.pendingByKind();
    for (const kind of KINDS) this.pending.set({ kind }, pending.get(kind) ?? 0);
    if (moved > 0) this.logger.info({ moved }, 'escalations past their deadline escalated or rejected by policy');
    return moved;
  }

  /**
   * A cancelled run's pending escalations are rejected by the system with who cancelled it and
   * why (nobody is left to wait for a decision); a redelivered RunCancelled finds none pending.
   */
  async onRunCancelled(tenantId: TenantId, event: RunCancelled): Promise<number> {
    if (!event.runId) return 0;
    const who = event.cancelledBy || 'unknown';
    const reason = `the run was cancelled by ${who}: ${event.reason || 'no reason given'}`.slice(0, MAX_REASON_CHARS);
    const events = await this.escalations.closePendingOfRun(tenantId, event.runId, SYSTEM, reason);
    for (const e of events) {
      this.decided.inc({ kind: e.escalation.kind ?? '', outcome: 'rejected', by: SYSTEM });
      await this.publish(e);
    }
    if (events.length > 0) this.logger.info({ runId: event.runId, closed: events.length, cancelledBy: who }, 'pending escalations of a cancelled run rejected');
    return events.length;
  }

  /** Outbox relay: events not published when they were written (broker away) go out now. */
  async relay(): Promise<number> {
    const events = await this.escalations.findUnpublishedEvents(this.options.outboxIntervalMs, 100);
    for (const event of events) await this.publish(event);
    if (events.length > 0) this.logger.info({ events: events.length }, 'escalation outbox relay republished events');
    return events.length;
  }

  /**
   * Publishes an outbox event and its audit record, then marks it published; a failure is left
   * to the relay. The msgId and the audit event id derive from the outbox row: a repeat is
   * stored once on both streams.
   */
  async publish(event: EscalationEvent): Promise<void> {
    const tenantId = event.tenantId as TenantId;
    try {
      await this.bus.publish(`af.v1.escalations.event.${event.type}`, { escalation: event.escalation }, { msgId: `escalation-${event.type}:${event.id}`, tenantId });
      const e = event.escalation;
      const decidedAction = e.status === 'approved' ? 'escalation.approved' : 'escalation.rejected';
      await this.audit.record({
        action: event.type === 'decided' ? decidedAction : `escalation.${event.type}`,
        actor: event.actor === POLICY || event.actor === SYSTEM ? 'system:governance' : event.actor,
        resourceType: 'escalation',
        resourceId: event.escalationId,
        outcome: 'success',
        details: {
          kind: e.kind ?? '',
          runId: e.runId ?? '',
          agent: e.agent ?? '',
          tool: e.tool ?? '',
          risk: e.risk ?? '',
          rule: e.rule ?? '',
          level: e.level ?? 0,
          status: e.status ?? '',
          ...(event.type === 'decided' ? { decidedBy: e.decidedBy ?? '', reason: e.decisionReason ?? '', approvers: (e.decisions ?? []).filter((d) => d.decision === 'approve').map((d) => d.actor ?? '') } : {}),
          ...(event.type === 'opened' ? { requestedBy: e.requestedBy ?? '', requiredPermission: e.requiredPermission ?? '', quorum: e.quorum ?? 1 } : {}),
        },
        eventId: `escalation.${event.type}:${event.id}`,
        tenantId,
      });
      await this.escalations.markEventPublished(tenantId, event.id);
      this.events.inc({ result: 'published' });
    } catch (error) {
      this.events.inc({ result: 'deferred' });
      this.logger.warn({ err: error, escalationId: event.escalationId, type: event.type }, 'escalation event not published yet; the outbox relay will retry');
    }
  }

  private async find(tenantId: TenantId, id: string): Promise<EscalationRow> {
    // Another tenant's escalation is indistinguishable from a missing one.
    const row = UUID.test(id) ? await this.escalations.find(tenantId, id) : null;
    if (!row) throw AppError.notFound(`escalation ${id}`, '/id');
    return row;
  }

  private requiredPermissionOf(value: string, risk: (typeof RISKS)[number]): Permission {
    if (!value) return risk === 'realWorld' ? 'ApproveRealWorld' : 'ApproveActions';
    const permission = oneOf(value, APPROVAL_PERMISSIONS, '/requiredPermission');
    if (risk === 'realWorld' && permission !== 'ApproveRealWorld') throw AppError.invalid('a realWorld action needs ApproveRealWorld', '/requiredPermission');
    return permission;
  }
}

/**
 * The decision rules, applied to the locked row: closed → CONFLICT; the requester →
 * PERMISSION_DENIED (self-approval); missing permission or level role → PERMISSION_DENIED naming
 * what is missing; a second decision by the same person → CONFLICT. One rejection rejects;
 * approvals by distinct approvers count up to the quorum.
 */
export function judgeDecision(row: EscalationRow, caller: Caller, decision: 'approve' | 'reject', reason: string): DecisionVerdict {
  const refuse = (code: ErrorCode, message: string): DecisionVerdict => ({ kind: 'refuse', error: new AppError(code, message, { path: code === ErrorCode.Conflict ? '/id' : '/caller' }) });
  if (row.status !== 'pending') return refuse(ErrorCode.Conflict, `escalation ${row.id} is already ${row.status} (by ${row.decidedBy})`);
  if (caller.subject === row.requestedBy) return refuse(ErrorCode.PermissionDenied, `self-approval: ${caller.subject} asked for this ${row.kind === 'deployment' ? 'deployment' : 'action'} and cannot decide it`);
  const permissions = permissionsOf(caller.roles, caller.permissions);
  if (!permissions.includes(row.requiredPermission as Permission)) {
    return refuse(ErrorCode.PermissionDenied, `deciding this ${row.risk} escalation needs the ${row.requiredPermission} permission, which ${caller.subject} does not hold`);
  }
  const levelRoles = row.levels[row.level - 1]?.roles ?? [];
  if (levelRoles.length > 0 && !levelRoles.some((role) => caller.roles.includes(role))) {
    return refuse(ErrorCode.PermissionDenied, `at level ${row.level} of ${row.levels.length} this escalation is decided by the role(s) ${levelRoles.join(', ')}; ${caller.subject} holds none of them`);
  }
  if (row.decisions.some((d) => d.actor === caller.subject)) return refuse(ErrorCode.Conflict, `${caller.subject} has already decided escalation ${row.id}; the quorum counts distinct approvers`);
  if (decision === 'reject') return { kind: 'record', decision, reason, closes: 'rejected' };
  return { kind: 'record', decision, reason, closes: approvalsOf(row) + 1 >= row.quorum ? 'approved' : null };
}

/** At a deadline: the next level with its own deadline, or, after the last, rejection by policy. */
export function judgeDeadline(row: EscalationRow): DueVerdict {
  const next = row.levels[row.level];
  if (next) return { kind: 'escalate', level: row.level + 1, deadlineSeconds: next.deadlineSeconds };
  return { kind: 'reject', reason: `no decision before the deadline of level ${row.level}` };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], path: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw AppError.invalid(`must be one of ${allowed.join(', ')} (got "${value}")`, path);
  return value as T;
}

function text(value: string, path: string, max: number, required: boolean): string {
  if (required && !value.trim()) throw AppError.invalid('is required', path);
  if (value.length > max) throw AppError.invalid(`must be at most ${max} characters`, path);
  return value;
}

/** Empty, or a JSON text of at most `maxBytes`. */
function json(value: string, path: string, maxBytes: number): string {
  if (!value) return '';
  if (Buffer.byteLength(value) > maxBytes) throw AppError.invalid(`must be at most ${maxBytes} bytes of JSON`, path);
  try {
    JSON.parse(value);
  } catch {
    throw AppError.invalid('must be JSON', path);
  }
  return value;
}

function encodeCursor(seq: string): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): bigint | null {
  if (!cursor) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  if (cursor.length > 64 || !/^s:\d{1,19}$/.test(decoded)) throw AppError.invalid('cursor is not one this service returned', '/cursor');
  return BigInt(decoded.slice(2));
}

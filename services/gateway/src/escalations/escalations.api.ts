import { Injectable } from '@nestjs/common';
import type { Escalation } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { isPlainObject } from '../http/input.js';

export interface EscalationListQuery {
  status?: unknown;
  kind?: unknown;
  runId?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

const MAX_LIMIT = 200;

function queryString(value: unknown, name: string, maxLength: number): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > maxLength) throw AppError.invalid(`${name} must be given once, as a string of at most ${maxLength} characters`, `/query/${name}`);
  return value;
}

function queryLimit(value: unknown): number {
  if (value === undefined || value === '') return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw AppError.invalid(`limit must be an integer from 1 to ${MAX_LIMIT}`, '/query/limit');
  return n;
}

/** The governance service's paths name request fields; for the list they are query parameters. */
function asQueryError(error: unknown): unknown {
  if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path && !error.path.startsWith('/query/')) {
    return new AppError(error.code, error.message, { path: `/query${error.path}`, details: error.details, cause: error });
  }
  return error;
}

function parsedJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An escalation as the HTTP API shows it (README "Governance"). */
export function escalationView(e: Escalation | undefined) {
  if (!e) return null;
  return {
    id: e.id,
    kind: e.kind,
    status: e.status,
    runId: e.runId || null,
    stepId: e.stepId || null,
    agent: e.agent,
    version: e.version || null,
    tool: e.tool || null,
    arguments: parsedJson(e.argumentsJson),
    risk: e.risk,
    rule: e.rule,
    reason: e.reason,
    requestedBy: e.requestedBy,
    requiredPermission: e.requiredPermission,
    quorum: e.quorum,
    approvals: e.decisions.filter((d) => d.decision === 'approve').length,
    level: e.level,
    levels: e.levels,
    levelRoles: e.levelRoles,
    deadline: e.deadline,
    decisions: e.decisions.map((d) => ({ actor: d.actor, decision: d.decision, reason: d.reason || null, level: d.level, at: d.at })),
    decidedAt: e.decidedAt || null,
    decidedBy: e.decidedBy || null,
    decisionReason: e.decisionReason || null,
    details: parsedJson(e.detailsJson),
    createdAt: e.createdAt,
  };
}

@Injectable()
export class EscalationsApi {
  constructor(private readonly bus: MessageBus) {}

  async list(query: EscalationListQuery) {
    const request = {
      status: queryString(query.status, 'status', 32),
      kind: queryString(query.kind, 'kind', 32),
      runId: queryString(query.runId, 'runId', 256),
      cursor: queryString(query.cursor, 'cursor', 200),
      limit: queryLimit(query.limit),
    };
    try {
      const reply = await this.bus.request('af.v1.escalations.list', request);
      return { items: reply.items.map(escalationView), nextCursor: reply.nextCursor || null };
    } catch (error) {
      throw asQueryError(error);
    }
  }

  async get(id: string) {
    const reply = await this.bus.request('af.v1.escalations.get', { id });
    return escalationView(reply.escalation);
  }

  /** `{reason}` (required to reject): the caller's decision; the governance service checks who may decide. */
  async decide(principal: Principal, id: string, decision: 'approve' | 'reject', body: unknown) {
    if (body !== undefined && body !== null && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"reason": "…"}', '');
    const reason = body?.['reason'] ?? '';
    if (typeof reason !== 'string') throw AppError.invalid('reason must be a string', '/reason');
    const reply = await this.bus.request('af.v1.escalations.decide', { id, decision, reason, caller: callerOf(principal) });
    return escalationView(reply.escalation);
  }
}

import { Injectable } from '@nestjs/common';
import type { AuditRecord, VerifyAuditReply } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';

/** The query parameters of GET /v1/audit; anything else is refused (a typo must not widen the result silently). */
export const AUDIT_QUERY = ['action', 'actor', 'resourceType', 'resourceId', 'since', 'until', 'limit', 'cursor'] as const;
export type AuditListQuery = Partial<Record<(typeof AUDIT_QUERY)[number], unknown>>;

const MAX_LENGTH: Record<(typeof AUDIT_QUERY)[number], number> = { action: 64, actor: 256, resourceType: 64, resourceId: 512, since: 40, until: 40, limit: 3, cursor: 64 };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** The audit service's request fields → the query parameter a client sent. */
const FIELD_TO_QUERY: Record<string, string> = { '/action': 'action', '/actor': 'actor', '/resource_type': 'resourceType', '/resource_id': 'resourceId', '/since': 'since', '/until': 'until', '/limit': 'limit', '/cursor': 'cursor' };

function queryString(query: Record<string, unknown>, name: (typeof AUDIT_QUERY)[number]): string {
  const value = query[name];
  if (value === undefined) return '';
  const max = MAX_LENGTH[name];
  if (typeof value !== 'string' || value.length > max) throw AppError.invalid(`${name} must be given once, as a string of at most ${max} characters`, `/query/${name}`);
  return value;
}

function time(query: Record<string, unknown>, name: 'since' | 'until'): string {
  const value = queryString(query, name);
  if (value !== '' && (!ISO_TIME.test(value) || Number.isNaN(new Date(value).getTime()))) {
    throw AppError.invalid(`${name} must be an ISO 8601 time with a zone, e.g. 2026-11-24T10:00:00Z`, `/query/${name}`);
  }
  return value;
}

function limit(query: Record<string, unknown>): number {
  const value = queryString(query, 'limit');
  if (value === '') return 0;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 200) throw AppError.invalid('limit must be an integer from 1 to 200', '/query/limit');
  return Number(value);
}

export function auditRecordView(r: AuditRecord) {
  return {
    seq: Number(r.seq),
    eventId: r.eventId,
    action: r.action,
    actor: r.actor,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    outcome: r.outcome,
    details: JSON.parse(r.detailsJson || '{}') as unknown,
    at: r.at,
    service: r.service,
    correlationId: r.correlationId || null,
    prevHash: r.prevHash,
    hash: r.hash,
    recordedAt: r.recordedAt,
  };
}

export function auditVerifyView(v: VerifyAuditReply) {
  return {
    valid: v.valid,
    checked: Number(v.checked),
    headSeq: Number(v.headSeq),
    headHash: v.headHash || null,
    problems: v.problems.map((p) => ({ seq: Number(p.seq), eventId: p.eventId || null, kind: p.kind, message: p.message })),
  };
}

/** The audit service's paths name request fields; for the list they are query parameters. */
function asQueryError(error: unknown): unknown {
  if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path && FIELD_TO_QUERY[error.path]) {
    return new AppError(error.code, error.message, { path: `/query/${FIELD_TO_QUERY[error.path]}`, details: error.details, cause: error });
  }
  return error;
}

@Injectable()
export class AuditApi {
  constructor(private readonly bus: MessageBus) {}

  /** The tenant's audit records, newest first (`until` exclusive). */
  async list(query: AuditListQuery) {
    const q = query as Record<string, unknown>;
    const unknown = Object.keys(q).find((k) => !(AUDIT_QUERY as readonly string[]).includes(k));
    if (unknown !== undefined) throw AppError.invalid(`unknown query parameter "${unknown.slice(0, 64)}"; the filters are ${AUDIT_QUERY.join(', ')}`, `/query/${unknown.slice(0, 64)}`);
    const request = {
      action: queryString(q, 'action'),
      actor: queryString(q, 'actor'),
      resourceType: queryString(q, 'resourceType'),
      resourceId: queryString(q, 'resourceId'),
      since: time(q, 'since'),
      until: time(q, 'until'),
      limit: limit(q),
      cursor: queryString(q, 'cursor'),
    };
    try {
      const reply = await this.bus.request('af.v1.audit.list', request);
      return { items: reply.items.map(auditRecordView), nextCursor: reply.nextCursor || null };
    } catch (error) {
      throw asQueryError(error);
    }
  }

  /** Walks the tenant's whole chain: `valid`, and each altered, inserted or deleted record. */
  async verify() {
    return auditVerifyView(await this.bus.request('af.v1.audit.verify', {}));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter } from 'prom-client';
import type { AuditEvent, AuditRecordSchema, ListAuditReplySchema, ListAuditRequest, TenantId, VerifyAuditReplySchema } from '@af/contracts';
import { canonicalJson, type JsonValue } from '@af/blueprint-format';
import { AppError, ErrorCode } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { ChainVerifier, chainHash, type ChainFields } from './audit-chain.js';
import { AuditRepository, type StoredAuditRecord } from './audit.repository.js';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options.js';

/** Bounds of an audit event: small records, no payloads (README "Audit"). */
export const AUDIT_LIMITS = {
  detailsBytes: 4_096,
  eventId: 256,
  action: 64,
  actor: 256,
  resourceType: 64,
  resourceId: 512,
  service: 64,
  correlationId: 128,
} as const;

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const OUTCOMES = new Set(['success', 'denied', 'failure']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;
/** PostgreSQL text cannot hold NUL; lone surrogates have no canonical JSON. */
const UNSTORABLE = /[\u0000]|\p{Cs}/u;
const UNSTORABLE_ALL = /[\u0000]|\p{Cs}/gu;

type RecordMessage = MessageInitShape<typeof AuditRecordSchema>;

@Injectable()
export class AuditService {
  private readonly appended: Counter<'result'>;
  private readonly verifyRuns: Counter<'result'>;
  private readonly verifyProblems: Counter<'kind'>;

  constructor(
    private readonly records: AuditRepository,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.appended = metrics.counter('af_audit_records_total', 'Audit events consumed, by result (appended | duplicate)', ['result']);
    this.verifyRuns = metrics.counter('af_audit_verify_runs_total', 'Chain verifications, by result (valid | invalid)', ['result']);
    this.verifyProblems = metrics.counter('af_audit_verify_problems_total', 'Problems found by chain verifications, by kind (altered | inserted | deleted)', ['kind']);
  }

  /**
   * Appends an event to the tenant's chain, once per event id (a redelivery or a producer's retry
   * is a no-op). A malformed or oversized event is refused with a permanent error: the transport
   * dead-letters it (AF_DLQ) instead of retrying.
   */
  async record(tenantId: TenantId, event: AuditEvent, correlationId: string): Promise<void> {
    const fields = auditFieldsOf(tenantId, event, correlationId);
    const detailsJson = canonicalJson(fields.details);
    const outcome = await this.records.append(tenantId, fields.eventId, (head) => {
      const sealed = { ...fields, seq: (head?.seq ?? 0) + 1 };
      const prevHash = head?.hash ?? '';
      return { ...sealed, detailsJson, at: new Date(sealed.at), prevHash, hash: chainHash(prevHash, sealed) };
    });
    this.appended.inc({ result: outcome.appended ? 'appended' : 'duplicate' });
    if (!outcome.appended) this.logger.debug({ tenantId, eventId: fields.eventId, seq: outcome.record.seq }, 'audit event already recorded');
  }

  /** The tenant's records, newest first, filtered; `cursor` continues after the previous page. */
  async list(tenantId: TenantId, request: ListAuditRequest): Promise<MessageInitShape<typeof ListAuditReplySchema>> {
    if (!Number.isInteger(request.limit) || request.limit < 0 || request.limit > MAX_PAGE) throw AppError.invalid(`limit must be an integer from 1 to ${MAX_PAGE}`, '/limit');
    const limit = request.limit || DEFAULT_PAGE;
    const since = optionalTime(request.since, '/since');
    const until = optionalTime(request.until, '/until');
    if (since && until && since.getTime() >= until.getTime()) throw AppError.invalid('since must be before until', '/until');
    const rows = await this.records.list(tenantId, {
      action: optionalFilter(request.action, AUDIT_LIMITS.action, '/action'),
      actor: optionalFilter(request.actor, AUDIT_LIMITS.actor, '/actor'),
      resourceType: optionalFilter(request.resourceType, AUDIT_LIMITS.resourceType, '/resource_type'),
      resourceId: optionalFilter(request.resourceId, AUDIT_LIMITS.resourceId, '/resource_id'),
      since,
      until,
      beforeSeq: decodeCursor(request.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toMessage), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.seq) : '' };
  }

  /** Walks the tenant's chain in seq order, in batches, from one snapshot (see ChainVerifier for the rules). */
  async verify(tenantId: TenantId): Promise<MessageInitShape<typeof VerifyAuditReplySchema>> {
    const started = Date.now();
    const { result, head } = await this.records.readChain(tenantId, async (reader) => {
      const head = await reader.head();
      const verifier = new ChainVerifier(head, this.options.verifyMaxProblems);
      let after: { seq: number; eventId: string } | null = null;
      for (;;) {
        const batch = await reader.batch(after, this.options.verifyBatchSize);
        for (const r of batch) verifier.push(r);
        if (batch.length < this.options.verifyBatchSize) break;
        const last = batch[batch.length - 1]!;
        after = { seq: last.seq, eventId: last.eventId };
      }
      return { result: verifier.finish(), head };
    });
    this.verifyRuns.inc({ result: result.valid ? 'valid' : 'invalid' });
    for (const p of result.problems) this.verifyProblems.inc({ kind: p.kind });
    const log = { tenantId, checked: result.checked, problems: result.problemCount, ms: Date.now() - started };
    if (result.valid) this.logger.info(log, 'audit chain verified');
    else this.logger.warn({ ...log, first: result.problems[0] }, 'audit chain verification found problems');
    return {
      valid: result.valid,
      checked: BigInt(result.checked),
      problems: result.problems.map((p) => ({ seq: BigInt(p.seq), eventId: p.eventId, kind: p.kind, message: p.message })),
      headSeq: BigInt(head?.seq ?? 0),
      headHash: head?.hash ?? '',
    };
  }
}

/** Checks an event against the contract and its bounds; every refusal names the field. */
export function auditFieldsOf(tenantId: TenantId, e: AuditEvent, correlationId: string): Omit<ChainFields, 'seq'> {
  const text = (value: string, max: number, path: string, required = true): string => {
    if (required && value.length === 0) throw AppError.invalid(`${path.slice(1)} is required`, path);
    if (value.length > max) throw AppError.invalid(`${path.slice(1)} is longer than ${max} characters`, path);
    if (UNSTORABLE.test(value)) throw AppError.invalid(`${path.slice(1)} holds a NUL character or a lone UTF-16 surrogate`, path);
    return value;
  };
  text(e.eventId, AUDIT_LIMITS.eventId, '/event_id');
  if (!ACTION.test(e.action) || e.action.length > AUDIT_LIMITS.action) throw AppError.invalid(`action "${e.action.slice(0, 80)}" is not of the form <resource>.<verb>`, '/action');
  if (!OUTCOMES.has(e.outcome)) throw AppError.invalid('outcome must be success, denied or failure', '/outcome');
  const atMs = Number(e.atMs);
  if (!Number.isSafeInteger(atMs) || atMs <= 0 || Number.isNaN(new Date(atMs).getTime())) throw AppError.invalid('at_ms must be a positive time in milliseconds', '/at_ms');
  if (Buffer.byteLength(e.detailsJson, 'utf8') > AUDIT_LIMITS.detailsBytes) {
    throw new AppError(ErrorCode.PayloadTooLarge, `details_json is ${Buffer.byteLength(e.detailsJson, 'utf8')} bytes; an audit record's details are at most ${AUDIT_LIMITS.detailsBytes}`, { path: '/details_json' });
  }
  let details: unknown = {};
  if (e.detailsJson !== '') {
    try {
      details = JSON.parse(e.detailsJson);
    } catch {
      throw AppError.invalid('details_json is not JSON', '/details_json');
    }
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) throw AppError.invalid('details_json must be a JSON object', '/details_json');
  try {
    canonicalJson(details);
  } catch (error) {
    throw AppError.invalid(`details_json has no canonical form (${(error as Error).message})`, '/details_json');
  }
  return {
    tenantId,
    eventId: e.eventId,
    action: e.action,
    actor: text(e.actor, AUDIT_LIMITS.actor, '/actor'),
    resourceType: text(e.resourceType, AUDIT_LIMITS.resourceType, '/resource_type', false),
    resourceId: text(e.resourceId, AUDIT_LIMITS.resourceId, '/resource_id', false),
    outcome: e.outcome,
    details: details as { [key: string]: JsonValue },
    at: new Date(atMs).toISOString(),
    service: text(e.service, AUDIT_LIMITS.service, '/service'),
    correlationId: correlationId.replace(UNSTORABLE_ALL, '').slice(0, AUDIT_LIMITS.correlationId),
  };
}

function optionalFilter(value: string, max: number, path: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > max) throw AppError.invalid(`${path.slice(1)} is longer than ${max} characters`, path);
  if (UNSTORABLE.test(value)) throw AppError.invalid(`${path.slice(1)} holds a NUL character or a lone UTF-16 surrogate`, path);
  return value;
}

function optionalTime(value: string, path: string): Date | undefined {
  if (value === '') return undefined;
  const time = new Date(value);
  if (!ISO_TIME.test(value) || Number.isNaN(time.getTime())) throw AppError.invalid(`${path.slice(1)} must be an ISO 8601 time with a zone, e.g. 2026-11-24T10:00:00Z`, path);
  return time;
}

/** Opaque to clients: base64url of `seq:<n>` (the page's last seq; the next page is below it). */
function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  if (cursor === '') return undefined;
  const match = cursor.length <= 64 ? /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  const seq = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) throw AppError.invalid('cursor is not one this list returned', '/cursor');
  return seq;
}

function toMessage(r: StoredAuditRecord): RecordMessage {
  return {
    seq: BigInt(r.seq),
    eventId: r.eventId,
    action: r.action,
    actor: r.actor,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    outcome: r.outcome,
    detailsJson: r.detailsJson,
    at: r.at.toISOString(),
    service: r.service,
    correlationId: r.correlationId,
    prevHash: r.prevHash,
    hash: r.hash,
    recordedAt: r.recordedAt.toISOString(),
  };
}

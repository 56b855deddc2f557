import { contentHashOf, type JsonValue } from '@af/blueprint-format';

/**
 * The hash chain of one tenant's audit records.
 *
 * Record n's `hash` is `sha256:<hex>` of the RFC 8785 canonical JSON (the one helper of
 * @af/blueprint-format) of `{prevHash, record}`, where `prevHash` is record n−1's hash ('' for
 * seq 1) and `record` holds every field the record states: tenant, seq, eventId, action, actor,
 * resourceType, resourceId, outcome, details (the JSON object), at (ISO 8601, ms), service,
 * correlationId. `recorded_at` (when the audit service stored it) is not part of the hash.
 */
export interface ChainFields {
  tenantId: string;
  seq: number;
  eventId: string;
  action: string;
  actor: string;
  resourceType: string;
  resourceId: string;
  outcome: string;
  details: { [key: string]: JsonValue };
  /** ISO 8601 with milliseconds and `Z`. */
  at: string;
  service: string;
  correlationId: string;
}

export function chainHash(prevHash: string, f: ChainFields): string {
  return contentHashOf({
    prevHash,
    record: {
      tenant: f.tenantId,
      seq: f.seq,
      eventId: f.eventId,
      action: f.action,
      actor: f.actor,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      outcome: f.outcome,
      details: f.details,
      at: f.at,
      service: f.service,
      correlationId: f.correlationId,
    },
  });
}

/** A record as stored (the columns), before anything is trusted about it. */
export interface StoredRecord {
  tenantId: string;
  seq: number;
  eventId: string;
  action: string;
  actor: string;
  resourceType: string;
  resourceId: string;
  outcome: string;
  detailsJson: string;
  at: Date;
  service: string;
  correlationId: string;
  prevHash: string;
  hash: string;
}

/** The tenant's head: the seq and hash of its last record, moved in each append's transaction. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The hash the record's stored content gives, or an error when the content cannot be read back (e.g. details that are no JSON object). */
export function recomputeHash(r: StoredRecord): string | Error {
  let details: unknown;
  try {
    details = JSON.parse(r.detailsJson);
  } catch (error) {
    return new Error(`details are not JSON (${(error as Error).message})`);
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return new Error('details are not a JSON object');
  if (Number.isNaN(r.at.getTime())) return new Error('at is not a valid time');
  try {
    return chainHash(r.prevHash, { ...r, details: details as { [key: string]: JsonValue }, at: r.at.toISOString() });
  } catch (error) {
    return new Error((error as Error).message);
  }
}

export type ProblemKind = 'altered' | 'inserted' | 'deleted';

export interface ChainProblem {
  seq: number;
  eventId: string;
  kind: ProblemKind;
  message: string;
}

export interface VerifyResult {
  valid: boolean;
  checked: number;
  problems: ChainProblem[];
  /** Problems found, also those beyond `maxProblems` that were not listed. */
  problemCount: number;
}

/**
 * Walks a tenant's records in seq order (fed in batches through {@link push}) and reports each
 * record at fault, once, with one of three kinds. The rules, checked in this order for a record r
 * (`last` = the last record accepted into the walk; `expected` = last.seq + 1, or 1):
 *
 * 1. r.seq > head.seq → **inserted**: the service moves the head in the transaction of every
 *    append, so a record beyond it was not written by the service. Not accepted into the walk.
 * 2. r.seq < expected (a second record at a position taken, or seq going backwards) → **inserted**.
 *    Not accepted.
 * 3. r's hash ≠ the hash of r's stored content → **altered** (a changed field, prev_hash or hash).
 * 4. r.seq > expected → **deleted**, reported at r, the first record after the gap (its message
 *    names the missing seqs).
 * 5. r.prev_hash ≠ last.hash → **inserted**: r does not link to its predecessor — it was put in
 *    place of the original record (or the predecessor was rewritten with a recomputed hash).
 *    Not checked when the predecessor was itself reported (its stored hash may be what changed):
 *    one touched row is one problem.
 * Cases 3–5 accept r as the new `last`, so the record after it is judged on its own.
 * At the end: no record up to head.seq → **deleted** at the first missing seq (the last records
 * were deleted; no record follows, so the problem names the seq and no event id); the last
 * record is the head's seq but its hash is not the head's → **altered** (rewritten with a
 * recomputed hash); records but no head → **deleted** at seq 0 (the head row was removed).
 *
 * So changing one row (UPDATE), inserting one row, deleting one row in the middle, or deleting the
 * last row each yields exactly one problem, naming that record (for a deletion in the middle: the
 * record after it). What a hash chain cannot show: a role that may write both the records and the
 * head (the owner, a superuser) rewriting the whole tail consistently — anchor the head elsewhere
 * for that (README "Audit").
 */
export class ChainVerifier {
  private last: (ChainHead & { eventId: string }) | null = null;
  private lastFaulty = false;
  private checked = 0;
  private problemCount = 0;
  private readonly problems: ChainProblem[] = [];

  constructor(
    private readonly head: ChainHead | null,
    private readonly maxProblems: number,
  ) {}

  push(r: StoredRecord): void {
    this.checked++;
    const expected = (this.last?.seq ?? 0) + 1;
    if (this.head && r.seq > this.head.seq) {
      return this.report(r.seq, r.eventId, 'inserted', `record ${r.seq} lies beyond the chain's head (seq ${this.head.seq}): the audit service did not append it`);
    }
    if (r.seq < expected) {
      return this.report(r.seq, r.eventId, 'inserted', `record ${r.seq} is out of order: a record at seq ${this.last?.seq ?? 0} precedes it`);
    }
    const previous = this.last;
    const previousFaulty = this.lastFaulty;
    this.last = { seq: r.seq, hash: r.hash, eventId: r.eventId };
    this.lastFaulty = true;
    const actual = recomputeHash(r);
    if (actual instanceof Error) return this.report(r.seq, r.eventId, 'altered', `record ${r.seq} cannot be read back: ${actual.message}`);
    if (actual !== r.hash) return this.report(r.seq, r.eventId, 'altered', `record ${r.seq} does not match its hash: its content was changed`);
    if (r.seq > expected) {
      const missing = r.seq - 1 === expected ? `record ${expected} is` : `records ${expected}–${r.seq - 1} are`;
      return this.report(r.seq, r.eventId, 'deleted', `${missing} missing before record ${r.seq}`);
    }
    if (!previousFaulty && r.prevHash !== (previous?.hash ?? '')) {
      return this.report(r.seq, r.eventId, 'inserted', `record ${r.seq} does not link to record ${previous?.seq ?? 0}: it was put in place of the original (or its predecessor was rewritten)`);
    }
    this.lastFaulty = false;
  }

  finish(): VerifyResult {
    if (!this.head) {
      if (this.checked > 0) this.report(0, '', 'deleted', `the chain's head is missing while ${this.checked} records exist`);
    } else if ((this.last?.seq ?? 0) < this.head.seq) {
      const from = (this.last?.seq ?? 0) + 1;
      const missing = from === this.head.seq ? `record ${from} is` : `records ${from}–${this.head.seq} are`;
      this.report(from, '', 'deleted', `${missing} missing at the end of the chain (its head is at seq ${this.head.seq})`);
    } else if (this.last && this.last.hash !== this.head.hash && !this.lastFaulty) {
      this.report(this.last.seq, this.last.eventId, 'altered', `record ${this.last.seq} is not the record the head names (its hash differs): it was rewritten`);
    }
    return { valid: this.problemCount === 0, checked: this.checked, problems: this.problems, problemCount: this.problemCount };
  }

  private report(seq: number, eventId: string, kind: ProblemKind, message: string): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push({ seq, eventId, kind, message });
  }
}

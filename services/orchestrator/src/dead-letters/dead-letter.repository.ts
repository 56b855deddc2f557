import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withTenant } from '@af/persistence';

export type DeadLetterSource = 'max_deliveries' | 'terminated' | 'undecodable' | 'stalled';
export type DeadLetterStatus = 'open' | 'retried' | 'discarded';

export interface DeadLetterRow {
  id: string;
  tenantId: string;
  runId: string | null;
  agent: string;
  stream: string;
  consumer: string;
  subject: string;
  streamSeq: string | null;
  deliveries: number;
  source: DeadLetterSource;
  code: string;
  reason: string;
  status: DeadLetterStatus;
  createdAt: Date;
  retriedAt: Date | null;
  retriedBy: string;
  /** Keyset position: created_at in microseconds since the epoch. */
  createdUs: string;
}

export interface NewDeadLetter {
  id: string;
  runId: string | null;
  stream: string;
  consumer: string;
  subject: string;
  streamSeq: bigint | null;
  deliveries: number;
  source: DeadLetterSource;
  code: string;
  reason: string;
  payload: Uint8Array | null;
}

interface Raw {
  id: string;
  tenant_id: string;
  run_id: string | null;
  agent: string;
  stream: string;
  consumer: string;
  subject: string;
  stream_seq: string | null;
  deliveries: number;
  source: DeadLetterSource;
  code: string;
  reason: string;
  status: DeadLetterStatus;
  created_at: Date;
  retried_at: Date | null;
  retried_by: string;
  created_us: string;
}

const COLUMNS = `id, tenant_id, run_id, agent, stream, consumer, subject, stream_seq::text AS stream_seq, deliveries, source, code, reason, status, created_at, retried_at, retried_by,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us`;

/** Statuses a run can be dead-lettered from (not final). */
const OPEN_RUN = `('queued', 'running', 'waiting')`;

/**
 * Dead letters of one tenant, and the two run moves that go with them — each in one transaction
 * with the run's stored transition (run_transitions, next seq), like RunRepository.transition:
 * dead-lettering a run that is not final, and re-queueing a dead-lettered run from a retry.
 */
@Injectable()
export class DeadLetterRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Stores a dead letter once per original message (stream, stream_seq) and, for a run's
   * message, moves the run to dead_lettered with the reason. Returns the stored dead letter
   * (the earlier one for a duplicate) and whether the run moved.
   */
  record(tenantId: TenantId, letter: NewDeadLetter, deadLetterRun: boolean): Promise<{ created: boolean; row: DeadLetterRow; runMoved: boolean }> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const agent = letter.runId ? (((await m.query(`SELECT agent FROM runs WHERE tenant_id = $1 AND id = $2`, [tenantId, letter.runId])) as Array<{ agent: string }>)[0]?.agent ?? '') : '';
      const inserted = (await m.query(
        `INSERT INTO dead_letters (id, tenant_id, run_id, agent, stream, consumer, subject, stream_seq, deliveries, source, code, reason, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (stream, stream_seq) DO NOTHING RETURNING id`,
        [letter.id, tenantId, letter.runId, agent, letter.stream, letter.consumer, letter.subject, letter.streamSeq?.toString() ?? null, letter.deliveries, letter.source, letter.code, letter.reason, letter.payload ? Buffer.from(letter.payload) : null],
      )) as Array<{ id: string }>;
      const created = inserted.length > 0;
      const rows = (await (created
        ? m.query(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`, [letter.id])
        : m.query(`SELECT ${COLUMNS} FROM dead_letters WHERE stream = $1 AND stream_seq = $2`, [letter.stream, letter.streamSeq?.toString() ?? null]))) as Raw[];
      const row = toRow(rows[0]!);
      let runMoved = false;
      if (created && deadLetterRun && letter.runId && row.tenantId === tenantId) {
        runMoved = await moveRun(m, tenantId, letter.runId, OPEN_RUN, 'dead_lettered', {
          reason: `dead-lettered (${letter.source}): ${letter.reason}`.slice(0, 2000),
          code: letter.code,
          extra: `, error = $6::jsonb, finished_at = now()`,
          extraParams: [JSON.stringify({ code: letter.code || 'DEAD_LETTERED', message: letter.reason.slice(0, 2000) })],
        });
      }
      return { created, row, runMoved };
    });
  }

  async find(tenantId: TenantId, id: string): Promise<DeadLetterRow | null> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT ${COLUMNS} FROM dead_letters WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))) as Raw[];
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Newest first; `before` is the keyset position of the previous page's last item. */
  async list(tenantId: TenantId, query: { status?: DeadLetterStatus; limit: number; before?: { createdUs: string; id: string } }): Promise<DeadLetterRow[]> {
    const params: unknown[] = [tenantId, query.limit];
    let where = `tenant_id = $1`;
    if (query.status) {
      params.push(query.status);
      where += ` AND status = $${params.length}`;
    }
    if (query.before) {
      params.push(query.before.createdUs, query.before.id);
      const at = `(timestamptz 'epoch' + ($${params.length - 1} || ' microseconds')::interval)`;
      where += ` AND (created_at < ${at} OR (created_at = ${at} AND id < $${params.length}::uuid))`;
    }
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT ${COLUMNS} FROM dead_letters WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`, params))) as Raw[];
    return rows.map(toRow);
  }

  /**
   * Retry: the open dead letter becomes `retried` and its dead-lettered run `queued` again as a
   * new dispatch (queued_at cleared: the dispatcher claims it with dispatch + 1), optionally with
   * new input — one transaction. 'not-open' / 'run-not-dead-lettered' change nothing.
   */
  retry(tenantId: TenantId, id: string, by: string, input: object | null): Promise<{ kind: 'retried'; row: DeadLetterRow } | { kind: 'not-found' } | { kind: 'not-open'; status: DeadLetterStatus } | { kind: 'no-run' } | { kind: 'run-not-dead-lettered'; status: string }> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [letter] = (await m.query(`SELECT ${COLUMNS} FROM dead_letters WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id])) as Raw[];
      if (!letter) return { kind: 'not-found' as const };
      if (letter.status !== 'open') return { kind: 'not-open' as const, status: letter.status };
      if (!letter.run_id) return { kind: 'no-run' as const };
      const moved = await moveRun(m, tenantId, letter.run_id, `('dead_lettered')`, 'queued', {
        reason: `retried from dead letter ${id} by ${by || 'unknown'}${input ? ' with corrected input' : ''}`,
        code: '',
        // A dead-lettered run's message was on the queue, so dispatch 1 at least was used (even when
        // the message reached AF_RUNS before the dispatcher recorded its claim): the claim that
        // follows takes dispatch ≥ 2, a message id JetStream has not de-duplicated away.
        extra: `, dispatch = GREATEST(dispatch, 1), queued_at = NULL, dispatch_seq = NULL, finished_at = NULL, error = NULL${input ? ', input = $6::jsonb' : ''}`,
        extraParams: input ? [JSON.stringify(input)] : [],
      });
      if (!moved) {
        const [run] = (await m.query(`SELECT status FROM runs WHERE tenant_id = $1 AND id = $2`, [tenantId, letter.run_id])) as Array<{ status: string }>;
        return { kind: 'run-not-dead-lettered' as const, status: run?.status ?? 'missing' };
      }
      const [updated] = (await m.query(
        `WITH u AS (UPDATE dead_letters SET status = 'retried', retried_at = now(), retried_by = $3 WHERE tenant_id = $1 AND id = $2 RETURNING *) SELECT ${COLUMNS} FROM u`,
        [tenantId, id, by],
      )) as Raw[];
      return { kind: 'retried' as const, row: toRow(updated!) };
    });
  }
}

/**
 * Moves a run from one of `fromList` to `to` under a row lock and appends its transition (seq =
 * transition_seq + 1). $1 tenant, $2 run, $3 to, $4 reason, $5 code; `extra` may use $6….
 */
async function moveRun(m: EntityManager, tenantId: TenantId, runId: string, fromList: string, to: string, change: { reason: string; code: string; extra: string; extraParams: unknown[] }): Promise<boolean> {
  const rows = (await m.query(
    `WITH locked AS (SELECT id, status, transition_seq, attempts, worker_id FROM runs WHERE tenant_id = $1 AND id = $2 AND status IN ${fromList} FOR UPDATE),
     moved AS (
       UPDATE runs r SET status = $3, transition_seq = locked.transition_seq + 1, updated_at = now()${change.extra}
         FROM locked WHERE r.id = locked.id AND r.tenant_id = $1
       RETURNING r.id, locked.status AS from_status, r.transition_seq, r.attempts, COALESCE(r.worker_id, '') AS worker_id
     )
     INSERT INTO run_transitions (run_id, seq, tenant_id, from_status, to_status, at, attempt, worker_id, reason, code)
     SELECT id, transition_seq, $1, from_status, $3, now(), attempts, worker_id, $4, $5 FROM moved
     RETURNING run_id`,
    [tenantId, runId, to, change.reason, change.code, ...change.extraParams],
  )) as Array<{ run_id: string }>;
  return rows.length > 0;
}

function toRow(r: Raw): DeadLetterRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    runId: r.run_id,
    agent: r.agent,
    stream: r.stream,
    consumer: r.consumer,
    subject: r.subject,
    streamSeq: r.stream_seq,
    deliveries: r.deliveries,
    source: r.source,
    code: r.code,
    reason: r.reason,
    status: r.status,
    createdAt: r.created_at,
    retriedAt: r.retried_at,
    retriedBy: r.retried_by,
    createdUs: r.created_us,
  };
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter } from 'prom-client';
import type { DeadLetterRecorded, DeadLetterSchema, ListDeadLettersReplySchema, ListDeadLettersRequest, RetryDeadLetterReplySchema, RetryDeadLetterRequest, TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { Dispatcher } from '../dispatch/dispatch.service.js';
import { DeadLetterRepository, type DeadLetterRow, type DeadLetterSource, type DeadLetterStatus } from './dead-letter.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SOURCES: readonly DeadLetterSource[] = ['max_deliveries', 'terminated', 'undecodable', 'stalled'];
const STATUSES: readonly DeadLetterStatus[] = ['open', 'retried', 'discarded'];

/**
 * Dead letters: messages a consumer gave up on (terminated as permanent, undecodable, or past
 * MaxDeliver), recorded once per original message. A run's command (ExecuteRun), or a run event
 * the orchestrator itself could not apply, turns the run `dead_lettered` with the reason — the
 * manual-intervention queue: `retry` re-queues the run as a new dispatch, optionally with
 * corrected input.
 */
@Injectable()
export class DeadLetterService {
  private readonly recorded: Counter<'source' | 'stream'>;
  private readonly retried: Counter;

  constructor(
    private readonly repository: DeadLetterRepository,
    private readonly dispatcher: Dispatcher,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.recorded = metrics.counter('af_dead_letters_total', 'Dead letters recorded, by source and stream', ['source', 'stream']);
    this.retried = metrics.counter('af_dead_letters_retried_total', 'Dead letters retried (their run re-queued)');
  }

  async record(tenantId: TenantId, event: DeadLetterRecorded): Promise<void> {
    const source: DeadLetterSource = (SOURCES as readonly string[]).includes(event.source) ? (event.source as DeadLetterSource) : 'terminated';
    const runId = UUID.test(event.runId) ? event.runId : null;
    // A run dead-letters when its command cannot be executed, or when the orchestrator itself
    // gave up applying one of its events (else it would wait forever); another service giving up
    // on an event (memory) leaves the run as it is.
    const deadLetterRun = runId !== null && (event.subject === 'af.v1.runs.execute' || event.consumer === 'orchestrator-run-events');
    const { created, row, runMoved } = await this.repository.record(
      tenantId,
      {
        id: randomUUID(),
        runId,
        stream: event.stream,
        consumer: event.consumer,
        subject: event.subject,
        streamSeq: event.streamSeq > 0n ? event.streamSeq : null,
        deliveries: event.deliveries,
        source,
        code: event.code,
        reason: event.reason || `${source} on ${event.subject}`,
        payload: event.payload.byteLength > 0 ? event.payload : null,
      },
      deadLetterRun,
    );
    if (created) this.recorded.inc({ source, stream: event.stream });
    // The run no longer holds a slot of its tenant.
    if (runMoved) this.dispatcher.trigger();
    this.logger.warn({ deadLetterId: row.id, runId, source, code: event.code, stream: event.stream, streamSeq: String(event.streamSeq), created, runMoved }, 'dead letter recorded');
  }

  async list(tenantId: TenantId, request: ListDeadLettersRequest): Promise<MessageInitShape<typeof ListDeadLettersReplySchema>> {
    if (request.status !== '' && !(STATUSES as readonly string[]).includes(request.status)) {
      throw AppError.invalid(`status must be one of ${STATUSES.join(', ')}`, '/status');
    }
    if (request.limit < 0 || request.limit > 100) throw AppError.invalid('limit must be between 1 and 100', '/limit');
    const limit = request.limit || 20;
    const before = request.cursor ? decodeCursor(request.cursor) : undefined;
    const rows = await this.repository.list(tenantId, { ...(request.status ? { status: request.status as DeadLetterStatus } : {}), limit: limit + 1, ...(before ? { before } : {}) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toDeadLetterMessage), nextCursor: rows.length > limit && last ? encodeCursor(last) : '' };
  }

  async retry(tenantId: TenantId, request: RetryDeadLetterRequest): Promise<MessageInitShape<typeof RetryDeadLetterReplySchema>> {
    if (!UUID.test(request.id)) throw AppError.notFound(`dead letter ${request.id}`, '/id');
    let input: object | null = null;
    if (request.inputJson !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.inputJson);
      } catch {
        throw new AppError(ErrorCode.InvalidDocument, 'input is not valid JSON', { path: '/input' });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw AppError.invalid('input must be a JSON object', '/input');
      input = parsed;
    }
    const result = await this.repository.retry(tenantId, request.id, request.caller?.subject ?? '', input);
    switch (result.kind) {
      case 'not-found':
        throw AppError.notFound(`dead letter ${request.id}`, '/id');
      case 'not-open':
        throw new AppError(ErrorCode.Conflict, `dead letter ${request.id} is ${result.status}, not open: it cannot be retried`, { path: '/id' });
      case 'no-run':
        throw new AppError(ErrorCode.Conflict, `dead letter ${request.id} is not about a run: there is nothing to re-queue`, { path: '/id' });
      case 'run-not-dead-lettered':
        throw new AppError(ErrorCode.Conflict, `the run of dead letter ${request.id} is ${result.status}, not dead_lettered`, { path: '/id' });
      case 'retried':
        break;
    }
    this.retried.inc();
    this.dispatcher.trigger();
    this.logger.info({ deadLetterId: request.id, runId: result.row.runId, correctedInput: input !== null }, 'dead letter retried: run re-queued');
    return { deadLetter: toDeadLetterMessage(result.row), run: { runId: result.row.runId ?? '', agent: result.row.agent, status: 'queued' } };
  }
}

function toDeadLetterMessage(row: DeadLetterRow): MessageInitShape<typeof DeadLetterSchema> {
  return {
    id: row.id,
    runId: row.runId ?? '',
    agent: row.agent,
    stream: row.stream,
    consumer: row.consumer,
    subject: row.subject,
    streamSeq: row.streamSeq ? BigInt(row.streamSeq) : 0n,
    source: row.source,
    code: row.code,
    reason: row.reason,
    deliveries: row.deliveries,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    retriedAt: row.retriedAt ? row.retriedAt.toISOString() : '',
    retriedBy: row.retriedBy,
  };
}

function encodeCursor(row: DeadLetterRow): string {
  return Buffer.from(`${row.createdUs}:${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdUs: string; id: string } {
  const [createdUs, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!createdUs || !/^\d{1,20}$/.test(createdUs) || !id || !UUID.test(id)) throw AppError.invalid('cursor is not one this service issued', '/cursor');
  return { createdUs, id };
}

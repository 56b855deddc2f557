import { Injectable } from '@nestjs/common';
import type { DeadLetter } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { isPlainObject, optionalLimit } from '../http/input.js';

export interface DeadLetterListQuery {
  status?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

function optionalQueryString(value: unknown, name: string, maxLength: number): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > maxLength) throw AppError.invalid(`${name} must be given once, as a string of at most ${maxLength} characters`, `/query/${name}`);
  return value;
}

/** The orchestrator's paths name request fields; for the list they are query parameters. */
function asQueryError(error: unknown): unknown {
  if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path && !error.path.startsWith('/query/')) {
    return new AppError(error.code, error.message, { path: `/query${error.path}`, details: error.details, cause: error });
  }
  return error;
}

export function deadLetterView(d: DeadLetter | undefined) {
  if (!d) return null;
  return {
    id: d.id,
    runId: d.runId || null,
    agent: d.agent || null,
    stream: d.stream,
    consumer: d.consumer,
    subject: d.subject,
    streamSeq: Number(d.streamSeq),
    source: d.source,
    code: d.code || null,
    reason: d.reason,
    deliveries: d.deliveries,
    status: d.status,
    createdAt: d.createdAt,
    retriedAt: d.retriedAt || null,
    retriedBy: d.retriedBy || null,
  };
}

@Injectable()
export class DeadLettersApi {
  constructor(private readonly bus: MessageBus) {}

  async list(query: DeadLetterListQuery) {
    const request = {
      status: optionalQueryString(query.status, 'status', 32),
      cursor: optionalQueryString(query.cursor, 'cursor', 200),
      limit: optionalLimit(query.limit),
    };
    try {
      const reply = await this.bus.request('af.v1.deadletters.list', request);
      return { items: reply.items.map(deadLetterView), nextCursor: reply.nextCursor || null };
    } catch (error) {
      throw asQueryError(error);
    }
  }

  /** Re-queues the dead letter's run as a new dispatch; `{input}` (a JSON object) replaces its input. */
  async retry(principal: Principal, id: string, body: unknown) {
    if (body !== undefined && body !== null && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"input": {…}}', '');
    const input = body?.['input'];
    if (input !== undefined && !isPlainObject(input)) throw AppError.invalid('input must be a JSON object', '/input');
    const reply = await this.bus.request('af.v1.deadletters.retry', { id, inputJson: input === undefined ? '' : JSON.stringify(input), caller: callerOf(principal) });
    return { deadLetter: deadLetterView(reply.deadLetter), run: reply.run ? { runId: reply.run.runId, agent: reply.run.agent, status: reply.run.status } : null };
  }
}

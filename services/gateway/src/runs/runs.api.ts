import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { isPlainObject, optionalLimit } from '../http/input.js';
import { runView } from '../http/views.js';
import { runSummaryView, transitionView } from './run.views.js';

export interface RunListQuery {
  agent?: unknown;
  status?: unknown;
  since?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

const MAX_REASON_CHARS = 1000;

function optionalQueryString(value: unknown, name: string, maxLength: number): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > maxLength) throw AppError.invalid(`${name} must be given once, as a string of at most ${maxLength} characters`, `/query/${name}`);
  return value;
}

/** The orchestrator checks the filters; its paths name fields of the request, ours name the query string. */
function asQueryError(error: unknown): unknown {
  if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path && !error.path.startsWith('/query/')) {
    return new AppError(error.code, error.message, { path: `/query${error.path}`, details: error.details, cause: error });
  }
  return error;
}

@Injectable()
export class RunsApi {
  constructor(private readonly bus: MessageBus) {}

  async get(runId: string) {
    const reply = await this.bus.request('af.v1.runs.get', { runId });
    return runView(reply.run);
  }

  async list(query: RunListQuery) {
    const request = {
      agent: optionalQueryString(query.agent, 'agent', 63),
      status: optionalQueryString(query.status, 'status', 32),
      since: optionalQueryString(query.since, 'since', 64),
      cursor: optionalQueryString(query.cursor, 'cursor', 200),
      limit: optionalLimit(query.limit),
    };
    try {
      const reply = await this.bus.request('af.v1.runs.list', request);
      return { items: reply.items.map(runSummaryView), nextCursor: reply.nextCursor || null };
    } catch (error) {
      throw asQueryError(error);
    }
  }

  /** A run's history, oldest first (after `afterSeq`). */
  async events(runId: string, afterSeq = 0) {
    const reply = await this.bus.request('af.v1.runs.transitions.list', { runId, afterSeq });
    return { runId: reply.runId, status: reply.status, final: reply.final, items: reply.items.map(transitionView) };
  }

  async cancel(principal: Principal, runId: string, body: unknown) {
    if (body !== undefined && body !== null && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"reason": "…"}', '');
    const reason = body?.['reason'] ?? '';
    if (typeof reason !== 'string' || reason.length > MAX_REASON_CHARS) throw AppError.invalid(`reason must be a string of at most ${MAX_REASON_CHARS} characters`, '/reason');
    const reply = await this.bus.request('af.v1.runs.cancel', { runId, reason, caller: callerOf(principal) });
    return runView(reply.run);
  }
}

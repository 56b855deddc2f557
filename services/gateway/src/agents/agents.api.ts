import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { agentName, isPlainObject, optionalLimit, optionalVersion } from '../http/input.js';
import { deploymentView } from '../http/views.js';

const RUN_PRIORITIES: readonly string[] = ['high', 'normal', 'low'];
const IDEMPOTENCY_KEY_PATH = '/headers/idempotency-key';

/** `Idempotency-Key`: 1–255 printable ASCII characters; absent = none. */
function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined) return '';
  if (!/^[\x20-\x7e]{1,255}$/.test(header)) throw AppError.invalid('Idempotency-Key must be 1 to 255 printable ASCII characters', IDEMPOTENCY_KEY_PATH);
  return header;
}

/** The orchestrator's answer in HTTP terms: the key's path is the header; a timeout says whether a retry is safe. */
function submissionError(error: unknown, idempotencyKey: string): unknown {
  if (!isAppError(error)) return error;
  if (error.path === '/idempotencyKey') return new AppError(error.code, error.message, { path: IDEMPOTENCY_KEY_PATH, details: error.details, cause: error });
  if (error.code === ErrorCode.Timeout) {
    const advice = idempotencyKey
      ? 'retrying with the same Idempotency-Key is safe: it returns the run if one was created'
      : 'send an Idempotency-Key header to make a retry safe (without one, a retry may create a second run)';
    return new AppError(ErrorCode.Timeout, `the run submission timed out: it may have been accepted; ${advice}`, { cause: error });
  }
  return error;
}

@Injectable()
export class AgentsApi {
  constructor(private readonly bus: MessageBus) {}

  async deploy(principal: Principal, name: string, body: unknown) {
    if (body !== undefined && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"version": 1}', '');
    const reply = await this.bus.request(
      'af.v1.deployments.create',
      { agent: agentName(name), version: optionalVersion(body?.['version'], '/version'), caller: callerOf(principal) },
      { timeoutMs: 30_000 },
    );
    return deploymentView(reply.deployment);
  }

  async deployments(name: string, limit: unknown) {
    const reply = await this.bus.request('af.v1.deployments.list', { agent: agentName(name), limit: optionalLimit(limit) });
    return { agent: name, items: reply.deployments.map((d) => deploymentView(d)) };
  }

  async activeDeployment(name: string) {
    const reply = await this.bus.request('af.v1.deployments.get', { agent: agentName(name), deploymentId: '' });
    return deploymentView(reply.deployment);
  }

  async episodes(name: string, query: unknown, limit: unknown) {
    if (query !== undefined && (typeof query !== 'string' || query.length > 200)) throw AppError.invalid('q must be a string of at most 200 characters', '/query/q');
    const reply = await this.bus.request('af.v1.memory.episodes.list', { agent: agentName(name), limit: optionalLimit(limit), query: query ?? '' });
    return {
      agent: name,
      items: reply.episodes.map((e) => ({ episodeId: e.episodeId, runId: e.runId, version: e.version, outcome: e.outcome, summary: e.summary, occurredAt: e.occurredAt })),
    };
  }

  /**
   * Submits a run. With an Idempotency-Key, a repeated submission (same key, same agent, input and
   * priority) answers with the run the first one created (`replayed`: the controller answers 200,
   * not 202); the same key with a different request is 422 IDEMPOTENCY_KEY_REUSED.
   */
  async run(principal: Principal, name: string, body: unknown, idempotencyKeyHeader?: string) {
    if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"input": {...}}', '');
    const input = body['input'] ?? {};
    if (!isPlainObject(input)) throw AppError.invalid('input must be a JSON object', '/input');
    const priority = body['priority'] ?? '';
    if (priority !== '' && !RUN_PRIORITIES.includes(priority as string)) throw AppError.invalid(`priority must be one of ${RUN_PRIORITIES.join(', ')}`, '/priority');
    const idempotencyKey = parseIdempotencyKey(idempotencyKeyHeader);
    let reply;
    try {
      reply = await this.bus.request('af.v1.runs.submit', { agent: agentName(name), inputJson: JSON.stringify(input), caller: callerOf(principal), idempotencyKey, priority: priority as string });
    } catch (error) {
      throw submissionError(error, idempotencyKey);
    }
    return { replayed: reply.replayed, view: { runId: reply.runId, status: reply.status, agent: reply.agent, version: reply.version, priority: reply.priority || 'normal', replayed: reply.replayed } };
  }
}

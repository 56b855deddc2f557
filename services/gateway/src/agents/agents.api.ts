import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { agentName, isPlainObject, optionalLimit, optionalVersion } from '../http/input.js';
import { deploymentView, evalReportView } from '../http/views.js';
import { agentStatsView, agentView } from '../health/health.views.js';
import { triggerView } from '../triggers/triggers.views.js';
import { deploymentId, parseDeployBody, parseRollbackBody } from './deployment.body.js';
import { agentListView } from './agent-list.views.js';
import { lookUpAgents } from './agent-lookups.js';

/** GET /v1/agents: page size bounds (the page bounds the lookups), and lookups in flight at once. */
export const AGENT_LIST_MAX = 50;
export const AGENT_LIST_DEFAULT = 20;
export const AGENT_LIST_CONCURRENCY = 8;

/** The agent list's settings (`agentListConfigSpec`). */
export const AGENT_LIST_SETTINGS = Symbol('AGENT_LIST_SETTINGS');
export interface AgentListSettings {
  lookupTimeoutMs: number;
}
const DEFAULT_AGENT_LIST_SETTINGS: AgentListSettings = { lookupTimeoutMs: 5_000 };

function singleQuery(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw AppError.invalid('give this query parameter once', path);
  return value;
}

/** `?limit=` from 1 to {@link AGENT_LIST_MAX}; absent: {@link AGENT_LIST_DEFAULT}. */
function agentListLimit(value: unknown): number {
  const text = singleQuery(value, '/query/limit');
  if (text === undefined || text === '') return AGENT_LIST_DEFAULT;
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= AGENT_LIST_MAX)) throw AppError.invalid(`limit must be an integer from 1 to ${AGENT_LIST_MAX}`, '/query/limit');
  return n;
}

/** Warming on a worker and the eval gate run inside a deploy: longer than a plain request. */
const DEPLOY_TIMEOUT_MS = 60_000;
const EVALS_TIMEOUT_MS = 120_000;

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
  constructor(
    private readonly bus: MessageBus,
    @Optional() @Inject(AGENT_LIST_SETTINGS) private readonly listSettings: AgentListSettings = DEFAULT_AGENT_LIST_SETTINGS,
  ) {}

  /**
   * The tenant's agents — its live blueprints, a page at a time as GET /v1/blueprints pages
   * them — each with what `GET /v1/agents/{name}` and `…/health` give, looked up
   * {@link AGENT_LIST_CONCURRENCY} at a time. An agent whose lookup fails is listed with that part
   * null and a note in `unavailable`: the list does not fail because one agent's stats did.
   */
  async list(limit: unknown, cursor: unknown) {
    const request = { labelSelector: '', query: '', includeArchived: false, limit: agentListLimit(limit), cursor: singleQuery(cursor, '/query/cursor') ?? '' };
    let page;
    try {
      page = await this.bus.request('af.v1.blueprints.list', request);
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path === '/cursor') throw new AppError(error.code, error.message, { path: '/query/cursor', cause: error });
      throw error;
    }
    const timeoutMs = this.listSettings.lookupTimeoutMs;
    const facts = await lookUpAgents(
      page.items.map((b) => b.name),
      {
        deployment: async (agent) => (await this.bus.request('af.v1.deployments.agent.get', { agent }, { timeoutMs })).agent,
        health: (agent) => this.bus.request('af.v1.health.agents.stats', { agent, sinceMs: 0n, versions: [] }, { timeoutMs }),
      },
      AGENT_LIST_CONCURRENCY,
    );
    return agentListView(page, facts);
  }

  /**
   * Deploys (lifecycle settings and `force` checked here first). `created: false`: the version and
   * artifact were already active — nothing changed (the controller answers 200 with a message).
   */
  async deploy(principal: Principal, name: string, body: unknown) {
    const agent = agentName(name);
    const fields = parseDeployBody(principal, body);
    const reply = await this.bus.request('af.v1.deployments.create', { agent, ...fields, caller: callerOf(principal) }, { timeoutMs: DEPLOY_TIMEOUT_MS });
    const view = deploymentView(reply.deployment);
    if (reply.created) return { created: true, view };
    return { created: false, view: { ...view, message: `version ${reply.deployment?.version ?? fields.version} of ${agent} is already active: nothing changed` } };
  }

  async deployment(name: string, id: string) {
    const reply = await this.bus.request('af.v1.deployments.get', { agent: agentName(name), deploymentId: deploymentId(id) });
    return deploymentView(reply.deployment);
  }

  async promote(principal: Principal, name: string, id: string, body?: unknown) {
    if (body !== undefined && !isPlainObject(body)) throw AppError.invalid('body must be empty or {}', '');
    const reply = await this.bus.request('af.v1.deployments.promote', { agent: agentName(name), deploymentId: deploymentId(id), caller: callerOf(principal) }, { timeoutMs: DEPLOY_TIMEOUT_MS });
    return deploymentView(reply.deployment);
  }

  async rollback(principal: Principal, name: string, body: unknown) {
    const reply = await this.bus.request('af.v1.deployments.rollback', { agent: agentName(name), ...parseRollbackBody(body), caller: callerOf(principal) }, { timeoutMs: DEPLOY_TIMEOUT_MS });
    return deploymentView(reply.deployment);
  }

  async agent(name: string) {
    return agentView((await this.bus.request('af.v1.deployments.agent.get', { agent: agentName(name) })).agent);
  }

  /** The agent's evals against a version (absent: the latest), compiled if needed; never deploys. */
  async evals(principal: Principal, name: string, body: unknown) {
    if (body !== undefined && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"version": 1}', '');
    const reply = await this.bus.request('af.v1.deployments.evals.run', { agent: agentName(name), version: optionalVersion(body?.['version'], '/version'), caller: callerOf(principal) }, { timeoutMs: EVALS_TIMEOUT_MS });
    return evalReportView(reply.report);
  }

  async health(name: string) {
    return agentStatsView(await this.bus.request('af.v1.health.agents.stats', { agent: agentName(name), sinceMs: 0n, versions: [] }));
  }

  async triggers(name: string) {
    const reply = await this.bus.request('af.v1.triggers.list', { agent: agentName(name) });
    return { agent: name, items: reply.items.map(triggerView) };
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

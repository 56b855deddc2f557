import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { blueprintView } from '../http/views.js';
import { agentName, ifMatchVersion, isPlainObject, optionalVersion } from '../http/input.js';
import type { BlueprintSource } from './blueprint-source.decorator.js';
import { archiveView, blueprintListView, diffView, draftTestView, validationReplyView, versionListView } from './blueprint.views.js';
import { parseDraftTest } from './draft-test.body.js';
import { withDocumentPath } from './document-errors.js';

/** Query parameters of GET /v1/blueprints. */
export interface ListQuery {
  labels?: unknown;
  q?: unknown;
  includeArchived?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

/** A draft test waits for validation, compilation and the evals (the deployment service bounds the evals by DEPLOYMENT_EVAL_TIMEOUT_MS). */
const DRAFT_TEST_TIMEOUT_MS = 150_000;

/** Fields of the list request named as the HTTP caller wrote them. */
const LIST_PATHS: Record<string, string> = { '/label_selector': '/query/labels', '/query': '/query/q', '/cursor': '/query/cursor', '/limit': '/query/limit' };

@Injectable()
export class BlueprintsApi {
  constructor(private readonly bus: MessageBus) {}

  async create(principal: Principal, body: BlueprintSource) {
    const reply = await withDocumentPath(() => this.bus.request('af.v1.blueprints.create', { ...body, caller: callerOf(principal) }));
    return blueprintView(reply.blueprint, false);
  }

  async update(principal: Principal, name: string, body: BlueprintSource, ifMatch: string | undefined) {
    const request = { name: agentName(name), ...body, caller: callerOf(principal), expectedVersion: ifMatchVersion(ifMatch) };
    const reply = await withDocumentPath(() => this.bus.request('af.v1.blueprints.update', request));
    return { created: reply.created, view: { ...blueprintView(reply.blueprint, false), created: reply.created } };
  }

  async get(name: string, version: unknown, versionPath = '/query/version') {
    const reply = await this.bus.request('af.v1.blueprints.get', { name: agentName(name), version: optionalVersion(version, versionPath) });
    return blueprintView(reply.blueprint, true);
  }

  async list(query: ListQuery) {
    const request = {
      labelSelector: Array.isArray(query.labels) ? query.labels.map(String).join(',') : (single(query.labels, '/query/labels') ?? ''),
      query: single(query.q, '/query/q') ?? '',
      includeArchived: flag(query.includeArchived, '/query/includeArchived'),
      limit: optionalInt(query.limit, '/query/limit'),
      cursor: single(query.cursor, '/query/cursor') ?? '',
    };
    try {
      return blueprintListView(await this.bus.request('af.v1.blueprints.list', request));
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.InvalidArgument && error.path !== undefined && LIST_PATHS[error.path]) {
        throw new AppError(error.code, error.message, { path: LIST_PATHS[error.path], cause: error });
      }
      throw error;
    }
  }

  async versions(name: string) {
    return versionListView(await this.bus.request('af.v1.blueprints.versions.list', { name: agentName(name) }));
  }

  async diff(name: string, from: unknown, to: unknown) {
    const fromVersion = optionalVersion(from, '/query/from');
    if (fromVersion === 0) throw AppError.invalid('from is required: the version to compare from (e.g. ?from=1&to=2)', '/query/from');
    const reply = await this.bus.request('af.v1.blueprints.diff', { name: agentName(name), fromVersion, toVersion: optionalVersion(to, '/query/to') });
    return diffView(reply);
  }

  async archive(principal: Principal, name: string, ifMatch: string | undefined) {
    const reply = await this.bus.request('af.v1.blueprints.archive', { name: agentName(name), expectedVersion: ifMatchVersion(ifMatch), caller: callerOf(principal) });
    return archiveView(reply);
  }

  /**
   * A draft tested before it is saved (the editor's test panel): its evals, and an ad-hoc input as
   * one more case, run in the production sandbox; nothing is stored or deployed.
   */
  async test(principal: Principal, name: string, body: unknown, contentType: string | undefined) {
    const draft = parseDraftTest(body, contentType);
    const reply = await withDocumentPath(() => this.bus.request('af.v1.deployments.evals.draft', { agent: agentName(name), ...draft, caller: callerOf(principal) }, { timeoutMs: DRAFT_TEST_TIMEOUT_MS }));
    return draftTestView(reply);
  }

  /** The stored version (?version= or {"version": n}; latest by default) validated for this caller. */
  async validate(principal: Principal, name: string, queryVersion: unknown, body: unknown) {
    if (body !== undefined && !isPlainObject(body)) throw AppError.invalid('body must be empty or a JSON object like {"version": 1}', '');
    const version = body?.['version'] !== undefined ? optionalVersion(body['version'], '/version') : optionalVersion(queryVersion, '/query/version');
    const reply = await this.bus.request('af.v1.blueprints.validate', { name: agentName(name), version, caller: callerOf(principal) });
    return validationReplyView(reply);
  }
}

function single(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw AppError.invalid('give this query parameter once', path);
  return value;
}

function flag(value: unknown, path: string): boolean {
  const text = single(value, path);
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw AppError.invalid('must be true or false', path);
}

function optionalInt(value: unknown, path: string): number {
  const text = single(value, path);
  if (text === undefined || text === '') return 0;
  if (!/^\d{1,6}$/.test(text)) throw AppError.invalid('must be a whole number', path);
  return Number(text);
}

import { Injectable } from '@nestjs/common';
import { AppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { agentName, isPlainObject, optionalLimit, optionalVersion } from '../http/input.js';
import { deploymentView } from '../http/views.js';

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

  async run(principal: Principal, name: string, body: unknown) {
    if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"input": {...}}', '');
    const input = body['input'] ?? {};
    if (!isPlainObject(input)) throw AppError.invalid('input must be a JSON object', '/input');
    const reply = await this.bus.request('af.v1.runs.submit', { agent: agentName(name), inputJson: JSON.stringify(input), caller: callerOf(principal) });
    return { runId: reply.runId, status: reply.status, agent: reply.agent, version: reply.version };
  }
}

import { Injectable } from '@nestjs/common';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { blueprintView } from '../http/views.js';
import { agentName, ifMatchVersion, optionalVersion } from '../http/input.js';
import type { BlueprintSource } from './blueprint-source.decorator.js';

@Injectable()
export class BlueprintsApi {
  constructor(private readonly bus: MessageBus) {}

  async create(principal: Principal, body: BlueprintSource) {
    const reply = await this.bus.request('af.v1.blueprints.create', { ...body, caller: callerOf(principal) });
    return blueprintView(reply.blueprint, false);
  }

  async update(principal: Principal, name: string, body: BlueprintSource, ifMatch: string | undefined) {
    const reply = await this.bus.request('af.v1.blueprints.update', {
      name: agentName(name),
      ...body,
      caller: callerOf(principal),
      expectedVersion: ifMatchVersion(ifMatch),
    });
    return { created: reply.created, view: { ...blueprintView(reply.blueprint, false), created: reply.created } };
  }

  async get(name: string, version: unknown) {
    const reply = await this.bus.request('af.v1.blueprints.get', { name: agentName(name), version: optionalVersion(version, '/query/version') });
    return blueprintView(reply.blueprint, true);
  }
}

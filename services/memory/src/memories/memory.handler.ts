import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { ForgetSubjectRequest, GetMemoryRequest, MemoryGraphRequest, SearchMemoryRequest, StoreMemoryRequest, WorkingMemoryRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { MemoryService } from './memory.service.js';

/** NATS edge of agent memory (af.v1.memory.*): one service call per request. */
@Controller()
export class MemoryHandler {
  constructor(private readonly memory: MemoryService) {}

  @OnRequest('af.v1.memory.store')
  store(@Payload() request: StoreMemoryRequest, @Ctx() ctx: MessageContext) {
    return this.memory.store(ctx.tenantId, request);
  }

  @OnRequest('af.v1.memory.get')
  get(@Payload() request: GetMemoryRequest, @Ctx() ctx: MessageContext) {
    return this.memory.get(ctx.tenantId, request);
  }

  @OnRequest('af.v1.memory.search')
  search(@Payload() request: SearchMemoryRequest, @Ctx() ctx: MessageContext) {
    return this.memory.search(ctx.tenantId, request);
  }

  @OnRequest('af.v1.memory.graph')
  graph(@Payload() request: MemoryGraphRequest, @Ctx() ctx: MessageContext) {
    return this.memory.graph(ctx.tenantId, request);
  }

  @OnRequest('af.v1.memory.subjects.forget')
  forget(@Payload() request: ForgetSubjectRequest, @Ctx() ctx: MessageContext) {
    return this.memory.forgetSubject(ctx.tenantId, request);
  }

  @OnRequest('af.v1.memory.working.get')
  workingGet(@Payload() request: WorkingMemoryRequest, @Ctx() ctx: MessageContext) {
    return this.memory.workingGet(ctx.tenantId, request);
  }

  @OnRequest('af.v1.memory.working.put')
  workingPut(@Payload() request: WorkingMemoryRequest, @Ctx() ctx: MessageContext) {
    return this.memory.workingPut(ctx.tenantId, request);
  }
}

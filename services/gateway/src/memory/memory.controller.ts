import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { MEMORY_STORE_FIELDS, MemoryApi, WORKING_PUT_FIELDS, type MemoryQuery } from './memory.api.js';

export { MemoryApi };

/**
 * Agent memory (working in Redis, episodic in PostgreSQL, semantic in Neo4j), owned by the memory
 * service. People act at organization level: they see the tenant's memories, whichever agent
 * stored them. Forgetting a subject removes it from every tier and is audited.
 */
@Controller('v1/memory')
export class MemoryController {
  constructor(private readonly memory: MemoryApi) {}

  /** {subjectId?, content, source?, metadata?, agent?} → 201 {id, entities}. */
  @Post()
  @HttpCode(201)
  @RequirePermission('ManageMemory')
  store(@Body(new AllowedFields(...MEMORY_STORE_FIELDS)) body: unknown) {
    return this.memory.store(body);
  }

  /** ?query=&tier=working|episodic|semantic&subjectId=&agent=&limit=&since=&until= (working: &scope=&scopeId=): best first. */
  @Get('search')
  @RequirePermission('ViewMemory')
  search(@Query() query: MemoryQuery) {
    return this.memory.search(query);
  }

  /** ?entity=&depth=1..3: the entity, its neighbours and the relations between them. */
  @Get('graph')
  @RequirePermission('ViewMemory')
  graph(@Query() query: MemoryQuery) {
    return this.memory.graph(query);
  }

  @Get('working/:agent/:scope/:scopeId')
  @RequirePermission('ViewMemory')
  getWorking(@Param('agent') agent: string, @Param('scope') scope: string, @Param('scopeId') scopeId: string) {
    return this.memory.getWorking(agent, scope, scopeId);
  }

  /** {document, expectedVersion, appendMessages?, ttlSeconds?, subjectId?}: 409 CONFLICT when expectedVersion is stale. */
  @Put('working/:agent/:scope/:scopeId')
  @RequirePermission('ManageMemory')
  putWorking(@Param('agent') agent: string, @Param('scope') scope: string, @Param('scopeId') scopeId: string, @Body(new AllowedFields(...WORKING_PUT_FIELDS)) body: unknown) {
    return this.memory.putWorking(agent, scope, scopeId, body);
  }

  /** Forgets a subject in every tier (audited); `verified`: a read-back in each store found nothing left. */
  @Delete('subjects/:subjectId')
  @RequirePermission('ManageMemory')
  forget(@CurrentPrincipal() principal: Principal, @Param('subjectId') subjectId: string) {
    return this.memory.forget(principal, subjectId);
  }

  @Get(':id')
  @RequirePermission('ViewMemory')
  get(@Param('id') id: string) {
    return this.memory.get(id);
  }
}

import { Controller, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards, Headers } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { BlueprintBody, type BlueprintSource } from './blueprint-source.decorator.js';
import { BlueprintsApi } from './blueprints.api.js';

interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Controller('v1/blueprints')
@UseGuards(AuthGuard)
export class BlueprintsController {
  constructor(private readonly blueprints: BlueprintsApi) {}

  @Post()
  @HttpCode(201)
  create(@CurrentPrincipal() principal: Principal, @BlueprintBody() body: BlueprintSource) {
    return this.blueprints.create(principal, body);
  }

  /** 201 when a new version was stored, 200 when the content was identical to the latest. */
  @Put(':name')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @BlueprintBody() body: BlueprintSource,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: Reply,
  ) {
    const result = await this.blueprints.update(principal, name, body, ifMatch);
    reply.code(result.created ? 201 : 200).send(result.view);
  }

  @Get(':name')
  get(@Param('name') name: string, @Query('version') version?: string) {
    return this.blueprints.get(name, version);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, Headers } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { BlueprintBody, type BlueprintSource } from './blueprint-source.decorator.js';
import { BlueprintsApi, type ListQuery } from './blueprints.api.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';

interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Controller('v1/blueprints')
export class BlueprintsController {
  constructor(private readonly blueprints: BlueprintsApi) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('CreateAgent')
  create(@CurrentPrincipal() principal: Principal, @BlueprintBody() body: BlueprintSource) {
    return this.blueprints.create(principal, body);
  }

  /** ?labels=team=sales,tier!=gold &q=text &includeArchived=true &limit=20 &cursor=… */
  @Get()
  @RequirePermission('ViewAgents')
  list(@Query() query: ListQuery) {
    return this.blueprints.list(query);
  }

  /** 201 when a new version was stored, 200 when the content was identical to the latest. */
  @Put(':name')
  @RequirePermission('CreateAgent')
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
  @RequirePermission('ViewAgents')
  get(@Param('name') name: string, @Query('version') version?: string) {
    return this.blueprints.get(name, version);
  }

  /** Delete = archive: the versions (and runs) keep their history; If-Match guards against a concurrent change. */
  @Delete(':name')
  @RequirePermission('ArchiveAgent')
  archive(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Headers('if-match') ifMatch: string | undefined) {
    return this.blueprints.archive(principal, name, ifMatch);
  }

  @Get(':name/versions')
  @RequirePermission('ViewAgents')
  versions(@Param('name') name: string) {
    return this.blueprints.versions(name);
  }

  @Get(':name/versions/:version')
  @RequirePermission('ViewAgents')
  version(@Param('name') name: string, @Param('version') version: string) {
    return this.blueprints.get(name, version, '/version');
  }

  @Get(':name/diff')
  @RequirePermission('ViewAgents')
  diff(@Param('name') name: string, @Query('from') from?: string, @Query('to') to?: string) {
    return this.blueprints.diff(name, from, to);
  }

  /**
   * 200 with the eval report, passed or not: testing is not saving. `{ blueprint, input? }` as JSON,
   * or the draft as YAML; an invalid draft: 422 VALIDATION_FAILED with its report in details.
   */
  @Post(':name/test')
  @HttpCode(200)
  @RequirePermission('CreateAgent')
  test(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new AllowedFields('blueprint', 'input')) body: unknown, @Headers('content-type') contentType: string | undefined) {
    return this.blueprints.test(principal, name, body, contentType);
  }

  /** 200 with the report, valid or not: asking is not saving. */
  @Post(':name/validate')
  @HttpCode(200)
  @RequirePermission('CreateAgent')
  validate(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Query('version') version: string | undefined, @Body(new AllowedFields('version')) body: unknown) {
    return this.blueprints.validate(principal, name, version, body);
  }
}

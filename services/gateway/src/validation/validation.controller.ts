import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { BlueprintBody, type BlueprintSource } from '../blueprints/blueprint-source.decorator.js';
import { ValidationApi } from './validation.api.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

/** POST /v1/validate: YAML or JSON, 200 with the report even when it says valid: false. */
@Controller('v1/validate')
export class ValidationController {
  constructor(private readonly validation: ValidationApi) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('ViewAgents')
  validate(@CurrentPrincipal() principal: Principal, @BlueprintBody() body: BlueprintSource) {
    return this.validation.validate(principal, body);
  }
}

/** GET /v1/schemas/blueprint: the published JSON Schema of the blueprint format. */
@Controller('v1/schemas')
export class SchemasController {
  constructor(private readonly validation: ValidationApi) {}

  @Get(':name')
  @RequirePermission('ViewAgents')
  async schema(@Param('name') name: string, @Res() reply: Reply) {
    const { etag, schema } = await this.validation.schema(name);
    reply.header('content-type', 'application/schema+json; charset=utf-8').header('etag', etag).send(JSON.stringify(schema));
  }
}

import { Body, Controller, Delete, Get, Param, Put, Res } from '@nestjs/common';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { SecretsApi } from './secrets.api.js';

export { SecretsApi };

interface Reply {
  code(status: number): Reply;
  send(body: unknown): void;
}

/**
 * Secrets (provider keys, tool credentials), stored encrypted by the secrets service. Only
 * metadata comes back: a value can be written and rotated, never read through the API.
 */
@Controller('v1/secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsApi) {}

  @Get()
  @RequirePermission('ManageSecrets')
  list() {
    return this.secrets.list();
  }

  @Get(':name')
  @RequirePermission('ManageSecrets')
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    return this.secrets.get(principal, name);
  }

  /** {value, description?}: 201 when created, 200 when rotated (a new version). */
  @Put(':name')
  @RequirePermission('ManageSecrets')
  async put(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new AllowedFields('value', 'description')) body: unknown, @Res() reply: Reply) {
    const result = await this.secrets.put(principal, name, body);
    reply.code(result.created ? 201 : 200).send(result.view);
  }

  /** The deleted secret's metadata; 404 when there is none. */
  @Delete(':name')
  @RequirePermission('ManageSecrets')
  delete(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    return this.secrets.delete(principal, name);
  }
}

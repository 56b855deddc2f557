import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { ApiKeyService } from './api-key.service.js';

@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  /** {name, roles, expiresAt?} → 201 with the key: the only time it is shown. */
  @Post()
  @HttpCode(201)
  @RequirePermission('ManageKeys')
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.keys.create(principal, body);
  }

  /** The tenant's keys (never the key itself), newest first. */
  @Get()
  @RequirePermission('ManageKeys')
  list(@CurrentPrincipal() principal: Principal) {
    return this.keys.list(principal);
  }

  /** Revoke: 204 (also when already revoked); another tenant's key or an unknown id → 404. */
  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('ManageKeys')
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.keys.revoke(principal, id);
  }
}

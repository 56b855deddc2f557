import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { WEBHOOK_FIELDS, WebhooksApi } from './webhooks.api.js';

export { WebhooksApi };

/**
 * Outbound webhooks: deployment and run events POSTed to a tenant's URL, signed with its secret
 * (`x-af-signature`), retried, every attempt in the delivery log. The secret is write-only.
 */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksApi) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('ManageWebhooks')
  create(@CurrentPrincipal() principal: Principal, @Body(new AllowedFields(...WEBHOOK_FIELDS)) body: unknown) {
    return this.webhooks.create(principal, body);
  }

  @Get()
  @RequirePermission('ManageWebhooks')
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  @RequirePermission('ManageWebhooks')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.get(principal, id);
  }

  /** The deleted webhook (its secret is removed too); 404 when there is none. */
  @Delete(':id')
  @RequirePermission('ManageWebhooks')
  delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.delete(principal, id);
  }

  @Get(':id/deliveries')
  @RequirePermission('ManageWebhooks')
  deliveries(@Param('id') id: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    return this.webhooks.deliveries(id, limit, after);
  }
}

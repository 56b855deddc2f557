import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { BudgetsApi, type UsageQuery } from './budgets.api.js';

export { BudgetsApi };

/** Model usage summed from the metering service's ledger. */
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly budgets: BudgetsApi) {}

  /** ?groupBy=agent|model|day &from= &to= (dates or RFC 3339 times, [from, to); default: this UTC month) &agent= */
  @Get()
  @RequirePermission('ManageBudgets')
  query(@Query() query: UsageQuery) {
    return this.budgets.usage(query);
  }
}

/** Spend budgets (USD per UTC day or month), the tenant's and per agent; checked before each model call. */
@Controller('v1/budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsApi) {}

  /** ?agent=: that agent's budgets and the tenant's. */
  @Get()
  @RequirePermission('ManageBudgets')
  list(@Query('agent') agent: unknown) {
    return this.budgets.list(agent);
  }

  /** {limitUsd}: sets the tenant's budget for the period (day | month). */
  @Put('tenant/:period')
  @RequirePermission('ManageBudgets')
  putTenant(@CurrentPrincipal() principal: Principal, @Param('period') period: string, @Body(new AllowedFields('limitUsd')) body: unknown) {
    return this.budgets.put(principal, { period }, body);
  }

  /** {limitUsd}: sets one agent's budget for the period. */
  @Put('agents/:agent/:period')
  @RequirePermission('ManageBudgets')
  putAgent(@CurrentPrincipal() principal: Principal, @Param('agent') agent: string, @Param('period') period: string, @Body(new AllowedFields('limitUsd')) body: unknown) {
    return this.budgets.put(principal, { agent, period }, body);
  }

  /** Removes the tenant's budget for the period; the removed budget, 404 when there was none. */
  @Delete('tenant/:period')
  @RequirePermission('ManageBudgets')
  deleteTenant(@CurrentPrincipal() principal: Principal, @Param('period') period: string) {
    return this.budgets.delete(principal, { period });
  }

  @Delete('agents/:agent/:period')
  @RequirePermission('ManageBudgets')
  deleteAgent(@CurrentPrincipal() principal: Principal, @Param('agent') agent: string, @Param('period') period: string) {
    return this.budgets.delete(principal, { agent, period });
  }
}

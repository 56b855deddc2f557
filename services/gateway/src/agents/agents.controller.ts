import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AgentsApi } from './agents.api.js';
import { CountsAgainstRunQuota } from '../rate-limit/run-quota.decorator.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';

@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsApi) {}

  @Post(':name/deployments')
  @HttpCode(201)
  @RequirePermission('DeployAgent')
  deploy(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new AllowedFields('version')) body: unknown) {
    return this.agents.deploy(principal, name, body);
  }

  @Get(':name/deployments')
  @RequirePermission('ViewAgents')
  deployments(@Param('name') name: string, @Query('limit') limit?: string) {
    return this.agents.deployments(name, limit);
  }

  /** The agent's active deployment (what a new run would execute). */
  @Get(':name/deployments/active')
  @RequirePermission('ViewAgents')
  active(@Param('name') name: string) {
    return this.agents.activeDeployment(name);
  }

  /** The agent's episodic memory: its latest runs, or those matching `q` (full text). */
  @Get(':name/episodes')
  @RequirePermission('ViewRuns')
  episodes(@Param('name') name: string, @Query('q') q?: string, @Query('limit') limit?: string) {
    return this.agents.episodes(name, q, limit);
  }

  /** 202 for a new run; 200 with the original run when the Idempotency-Key was seen with the same request. */
  @Post(':name/runs')
  @HttpCode(202)
  @CountsAgainstRunQuota()
  @RequirePermission('RunAgent')
  async run(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body(new AllowedFields('input', 'priority')) body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: { code(status: number): unknown },
  ) {
    const result = await this.agents.run(principal, name, body, idempotencyKey);
    if (result.replayed) reply.code(200);
    return result.view;
  }
}

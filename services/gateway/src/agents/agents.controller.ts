import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AgentsApi } from './agents.api.js';
import { CountsAgainstRunQuota } from '../rate-limit/run-quota.decorator.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';
import { DEPLOY_FIELDS } from './deployment.body.js';

@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsApi) {}

  /** 201 with the new deployment; 200 with a message when that version was already active (nothing changed). */
  @Post(':name/deployments')
  @HttpCode(201)
  @RequirePermission('DeployAgent')
  async deploy(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body(new AllowedFields(...DEPLOY_FIELDS)) body: unknown,
    @Res({ passthrough: true }) reply: { code(status: number): unknown },
  ) {
    const result = await this.agents.deploy(principal, name, body);
    if (!result.created) reply.code(200);
    return result.view;
  }

  /** The tenant's agents, a page at a time, each with its active and canary versions, runs in flight and recent health. */
  @Get()
  @RequirePermission('ViewAgents')
  list(@Query('limit') limit?: unknown, @Query('cursor') cursor?: unknown) {
    return this.agents.list(limit, cursor);
  }

  /** What is live for the agent: active and canary deployments, each version's share, runs in flight and recent health. */
  @Get(':name')
  @RequirePermission('ViewAgents')
  agent(@Param('name') name: string) {
    return this.agents.agent(name);
  }

  /** A canary (or a deployment still in its window) becomes the active one now. */
  @Post(':name/deployments/:id/promote')
  @HttpCode(200)
  @RequirePermission('DeployAgent')
  promote(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Param('id') id: string, @Body(new AllowedFields()) body: unknown) {
    return this.agents.promote(principal, name, id, body);
  }

  /** Back to `toVersion` (absent: the previously active version); runs already on the current one finish there. */
  @Post(':name/rollback')
  @HttpCode(200)
  @RequirePermission('DeployAgent')
  rollback(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new AllowedFields('toVersion', 'reason')) body: unknown) {
    return this.agents.rollback(principal, name, body);
  }

  /** The agent's evals against a version (absent: the latest) in the production sandbox: the report; nothing is deployed. */
  @Post(':name/evals')
  @HttpCode(200)
  @RequirePermission('DeployAgent')
  evals(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new AllowedFields('version')) body: unknown) {
    return this.agents.evals(principal, name, body);
  }

  /** Recent run outcomes per version (failure rate, p50/p95, latest probe). */
  @Get(':name/health')
  @RequirePermission('ViewAgents')
  health(@Param('name') name: string) {
    return this.agents.health(name);
  }

  /** The triggers registered for the agent's active deployment. */
  @Get(':name/triggers')
  @RequirePermission('ViewAgents')
  triggers(@Param('name') name: string) {
    return this.agents.triggers(name);
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

  /** One deployment with its transitions (oldest first) and eval report. */
  @Get(':name/deployments/:id')
  @RequirePermission('ViewAgents')
  deployment(@Param('name') name: string, @Param('id') id: string) {
    return this.agents.deployment(name, id);
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

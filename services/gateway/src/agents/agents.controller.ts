import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AgentsApi } from './agents.api.js';

@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsApi) {}

  @Post(':name/deployments')
  @HttpCode(201)
  deploy(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return this.agents.deploy(principal, name, body);
  }

  @Get(':name/deployments')
  deployments(@Param('name') name: string, @Query('limit') limit?: string) {
    return this.agents.deployments(name, limit);
  }

  /** The agent's active deployment (what a new run would execute). */
  @Get(':name/deployments/active')
  active(@Param('name') name: string) {
    return this.agents.activeDeployment(name);
  }

  /** The agent's episodic memory: its latest runs, or those matching `q` (full text). */
  @Get(':name/episodes')
  episodes(@Param('name') name: string, @Query('q') q?: string, @Query('limit') limit?: string) {
    return this.agents.episodes(name, q, limit);
  }

  @Post(':name/runs')
  @HttpCode(202)
  run(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return this.agents.run(principal, name, body);
  }
}

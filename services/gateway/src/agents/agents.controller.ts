import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AgentsApi } from './agents.api.js';

@Controller('v1/agents')
@UseGuards(AuthGuard)
export class AgentsController {
  constructor(private readonly agents: AgentsApi) {}

  @Post(':name/deployments')
  @HttpCode(201)
  deploy(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return this.agents.deploy(principal, name, body);
  }

  @Post(':name/runs')
  @HttpCode(202)
  run(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return this.agents.run(principal, name, body);
  }
}

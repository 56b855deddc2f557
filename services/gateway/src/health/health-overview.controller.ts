import { Controller, Get, Injectable } from '@nestjs/common';
import { MessageBus } from '@af/messaging';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { healthOverviewView } from './health.views.js';

@Injectable()
export class HealthOverviewApi {
  constructor(private readonly bus: MessageBus) {}

  async overview() {
    return healthOverviewView(await this.bus.request('af.v1.health.overview', {}));
  }
}

/** The tenant's health: the mesh's services, worker liveness (heartbeats) and each agent version's recent outcomes. */
@Controller('v1/health')
export class HealthOverviewController {
  constructor(private readonly health: HealthOverviewApi) {}

  @Get()
  @RequirePermission('ViewMesh')
  overview() {
    return this.health.overview();
  }
}

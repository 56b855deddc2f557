import { Controller, Get, Injectable } from '@nestjs/common';
import { MessageBus } from '@af/messaging';
import { RequirePermission } from '../auth/require-permission.decorator.js';

@Injectable()
export class MeshApi {
  constructor(private readonly bus: MessageBus) {}

  async status() {
    const reply = await this.bus.request('af.v1.health.status', {});
    return {
      status: reply.status,
      services: reply.services.map((s) => ({ service: s.service, state: s.state, instances: s.instances, lastSeenMs: Number(s.lastSeenMs), checks: s.checks })),
    };
  }
}

/** The whole mesh as the health service sees it (heartbeats). */
@Controller('v1/mesh')
export class MeshController {
  constructor(private readonly mesh: MeshApi) {}

  @Get('health')
  @RequirePermission('ViewMesh')
  status() {
    return this.mesh.status();
  }
}

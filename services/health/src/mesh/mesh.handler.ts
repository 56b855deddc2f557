import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { Heartbeat } from '@af/contracts';
import { MeshStatusService } from './mesh-status.service.js';

/** NATS edge of the health service: core NATS heartbeats in, the mesh's status out. */
@Controller()
export class MeshHandler {
  constructor(private readonly mesh: MeshStatusService) {}

  @EventPattern<string>('af.v1.health.heartbeat')
  heartbeat(@Payload() heartbeat: Heartbeat) {
    return this.mesh.record(heartbeat);
  }

  @MessagePattern<string>('af.v1.health.status')
  status() {
    return this.mesh.reply();
  }
}

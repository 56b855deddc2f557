import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Heartbeat } from '@af/contracts';
import { MeshStatusService } from './mesh-status.service.js';
import { OnEvent, OnRequest } from '@af/messaging';

/** NATS edge of the health service: core NATS heartbeats in, the mesh's status out. */
@Controller()
export class MeshHandler {
  constructor(private readonly mesh: MeshStatusService) {}

  @OnEvent('af.v1.health.heartbeat')
  heartbeat(@Payload() heartbeat: Heartbeat) {
    return this.mesh.record(heartbeat);
  }

  @OnRequest('af.v1.health.status')
  status() {
    return this.mesh.reply();
  }
}

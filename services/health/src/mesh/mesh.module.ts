import { Module, type DynamicModule } from '@nestjs/common';
import { HeartbeatRepository } from './heartbeat.repository.js';
import { MeshHandler } from './mesh.handler.js';
import { MESH_OPTIONS, MeshStatusService, type MeshOptions } from './mesh-status.service.js';

@Module({})
export class MeshModule {
  static forRoot(options: MeshOptions): DynamicModule {
    return {
      module: MeshModule,
      global: true,
      controllers: [MeshHandler],
      providers: [{ provide: MESH_OPTIONS, useValue: options }, MeshStatusService, HeartbeatRepository],
      exports: [MESH_OPTIONS, MeshStatusService, HeartbeatRepository],
    };
  }
}

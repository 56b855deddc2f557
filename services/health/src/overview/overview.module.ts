import { Module } from '@nestjs/common';
import { OverviewHandler } from './overview.handler.js';
import { OverviewService } from './overview.service.js';

/** Services, workers and the tenant's agents in one view (the mesh and outcome providers come from the global MeshModule and OutcomesModule). */
@Module({
  controllers: [OverviewHandler],
  providers: [OverviewService],
})
export class OverviewModule {}

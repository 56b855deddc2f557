import { Controller, Get } from '@nestjs/common';
import { PoolService, type PoolState } from './pool.service.js';

/** The pool's state and its latest scaling decisions with their reasons, on the pool manager's own port. */
@Controller('v1/pool')
export class PoolController {
  constructor(private readonly pool: PoolService) {}

  @Get()
  state(): PoolState {
    return this.pool.state();
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { EvalRunner } from './eval-runner.js';
import { EvalsHandler } from './evals.handler.js';

/** The eval gate's executor. `runs` is the worker's runs module (artifact cache, AgentExecutor, fetch limits). */
@Module({})
export class EvalsModule {
  static forRoot(runs: DynamicModule): DynamicModule {
    return { module: EvalsModule, imports: [runs], controllers: [EvalsHandler], providers: [EvalRunner] };
  }
}

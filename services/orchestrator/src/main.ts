import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadOrchestratorConfig } from './config.js';

const config = loadOrchestratorConfig();
await runService({
  service: 'orchestrator',
  ...config,
  consumerConcurrency: { 'orchestrator-run-events': config.runs.eventsConcurrency },
  module: (runtime) => AppModule.forRoot(config, runtime),
});

import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadOrchestratorConfig } from './config.js';

const config = loadOrchestratorConfig();
await runService({
  service: 'orchestrator',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

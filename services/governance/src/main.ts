import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadGovernanceConfig } from './config.js';

const config = loadGovernanceConfig();
await runService({
  service: 'governance',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

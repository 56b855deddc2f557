import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadPoolManagerConfig } from './config.js';

const config = loadPoolManagerConfig();
await runService({
  service: 'pool-manager',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadHealthConfig } from './config.js';

const config = loadHealthConfig();
await runService({
  service: 'health',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

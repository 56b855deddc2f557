import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadDeploymentConfig } from './config.js';

const config = loadDeploymentConfig();
await runService({
  service: 'deployment',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

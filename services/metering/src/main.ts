import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadMeteringConfig } from './config.js';

const config = loadMeteringConfig();
await runService({
  service: 'metering',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

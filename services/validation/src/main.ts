import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadValidationConfig } from './config.js';

const config = loadValidationConfig();
await runService({
  service: 'validation',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadTriggersConfig } from './config.js';

const config = loadTriggersConfig();
await runService({
  service: 'triggers',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadMemoryConfig } from './config.js';

const config = loadMemoryConfig();
await runService({
  service: 'memory',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

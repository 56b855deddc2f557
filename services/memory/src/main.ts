import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadMemoryConfig, memoryConsumerConcurrency } from './config.js';

const config = loadMemoryConfig();
await runService({
  service: 'memory',
  ...config,
  consumerConcurrency: memoryConsumerConcurrency(config),
  module: (runtime) => AppModule.forRoot(config, runtime),
});

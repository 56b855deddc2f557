import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadHealthConfig } from './config.js';
import { OUTCOME_CONSUMER_CONCURRENCY } from './outcomes/run-outcome.service.js';

const config = loadHealthConfig();
await runService({
  service: 'health',
  ...config,
  consumerConcurrency: OUTCOME_CONSUMER_CONCURRENCY,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

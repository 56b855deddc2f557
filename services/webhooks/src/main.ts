import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadWebhooksConfig } from './config.js';
import { EVENTS_CONSUMER_CONCURRENCY } from './webhooks/webhook.service.js';

const config = loadWebhooksConfig();
await runService({
  service: 'webhooks',
  ...config,
  consumerConcurrency: EVENTS_CONSUMER_CONCURRENCY,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

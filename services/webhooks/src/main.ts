import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadWebhooksConfig } from './config.js';

const config = loadWebhooksConfig();
await runService({
  service: 'webhooks',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadSecretsConfig } from './config.js';

const config = loadSecretsConfig();
await runService({
  service: 'secrets',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

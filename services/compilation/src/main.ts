import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadCompilationConfig } from './config.js';

const config = loadCompilationConfig();
await runService({
  service: 'compilation',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

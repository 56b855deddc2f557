import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadBlueprintsConfig } from './config.js';

const config = loadBlueprintsConfig();
await runService({
  service: 'blueprints',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadAuditConfig } from './config.js';

const config = loadAuditConfig();
await runService({
  service: 'audit',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
});

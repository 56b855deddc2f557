import { relaunchWithRequiredFlag } from './node-flags.js';

// isolated-vm needs `--no-node-snapshot`: without it, this process re-runs itself with the flag.
if (!relaunchWithRequiredFlag()) {
  const { runService } = await import('@af/runtime');
  const { AppModule } = await import('./app.module.js');
  const { loadWorkerConfig } = await import('./config.js');
  const config = loadWorkerConfig();
  await runService({
    service: 'worker',
    ...config,
    module: (runtime) => AppModule.forRoot(config, runtime),
  });
}

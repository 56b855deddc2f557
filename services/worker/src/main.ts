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
    consumerConcurrency: { 'worker-runs': config.runs.concurrency },
    shutdownGraceMs: Math.min(config.runs.shutdownGraceMs, Math.max(0, config.shutdownTimeoutMs - 2_000)),
    module: (runtime) => AppModule.forRoot(config, runtime),
  });
}

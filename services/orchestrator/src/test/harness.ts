import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadOrchestratorConfig } from '../config.js';

export { connectTestClient as connectClient } from '@af/runtime/testing';

/** Boots the real orchestrator (free port, real NATS and PostgreSQL, its own schema). */
export async function startOrchestrator(env: Record<string, string> = {}): Promise<{ service: RunningService; schema: string; stop(): Promise<void> }> {
  const config = loadOrchestratorConfig({ ...process.env, ...env });
  const schema = uniqueName('orchestrator_test');
  const { service } = await startTestService({ service: 'orchestrator', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
  return {
    service,
    schema,
    async stop() {
      await service.close();
      await dropSchema(config.database.url, schema);
    },
  };
}

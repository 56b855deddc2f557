import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadDeploymentConfig } from '../config.js';

export { connectTestClient as connectClient } from '@af/runtime/testing';

/** Boots the real deployment service (free port, real NATS and PostgreSQL, its own schema). */
export async function startDeployment(): Promise<{ service: RunningService; schema: string; stop(): Promise<void> }> {
  const config = loadDeploymentConfig();
  const schema = uniqueName('deployment_test');
  const { service } = await startTestService({ service: 'deployment', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
  return {
    service,
    schema,
    async stop() {
      await service.close();
      await dropSchema(config.database.url, schema);
    },
  };
}

import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { deleteRedisKeys, dropSchema, uniqueName } from '@af/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { loadCompilationConfig } from '../config.js';

export { connectTestClient as connectClient } from '@af/runtime/testing';

/** Boots the real compilation service (free port, real NATS, PostgreSQL and Redis, its own schema and key prefix); `env` overrides its configuration. */
export async function startCompilation(env: NodeJS.ProcessEnv = {}): Promise<{ service: RunningService; schema: string; keyPrefix: string; config: ReturnType<typeof loadCompilationConfig>; dataSource(): Promise<DataSource>; stop(): Promise<void> }> {
  const keyPrefix = `${uniqueName('aftest')}:`;
  const config = loadCompilationConfig({ ...process.env, REDIS_KEY_PREFIX: keyPrefix, ...env });
  const schema = uniqueName('compilation_test');
  const { service } = await startTestService({ service: 'compilation', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
  return {
    service,
    schema,
    keyPrefix,
    config,
    /** A connection of the test's own, to look at what the service stored. */
    async dataSource() {
      const ds = new DataSource({ type: 'postgres', url: config.database.url });
      await ds.initialize();
      return ds;
    },
    async stop() {
      await service.close();
      await dropSchema(config.database.url, schema);
      await deleteRedisKeys(config.redis.url, keyPrefix);
    },
  };
}

export { leadQualifier } from '@af/testing';

import { bootstrapService, type RunningService } from '@af/runtime';
import { connectNats, MessageBus, provisionFor } from '@af/messaging';
import { openRedis } from '@af/persistence';
import { uniqueName } from '@af/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { loadCompilationConfig } from '../config.js';

/** Boots the real compilation service (HTTP on a free port, real NATS, PostgreSQL and Redis, its own schema and key prefix). */
export async function startCompilation(): Promise<{ service: RunningService; schema: string; keyPrefix: string; config: ReturnType<typeof loadCompilationConfig>; dataSource(): Promise<DataSource>; stop(): Promise<void> }> {
  const keyPrefix = `${uniqueName('aftest')}:`;
  const config = loadCompilationConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', REDIS_KEY_PREFIX: keyPrefix });
  const schema = uniqueName('compilation_test');
  const service = await bootstrapService({
    service: 'compilation',
    ...config,
    http: { ...config.http, port: 0 },
    module: (runtime) => AppModule.forRoot(config, runtime, schema),
  });
  const open = async () => {
    const ds = new DataSource({ type: 'postgres', url: config.database.url });
    await ds.initialize();
    return ds;
  };
  return {
    service,
    schema,
    keyPrefix,
    config,
    dataSource: open,
    async stop() {
      await service.close();
      const ds = await open();
      await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ds.destroy();
      const redis = await openRedis(config.redis.url, '');
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** A client of the mesh as another service would be: its own NATS connection and MessageBus. */
export async function connectClient() {
  const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, service: 'gateway', instanceId: uniqueName('test') });
  await provisionFor(nc, { service: 'gateway' });
  const { jetstream } = await import('@nats-io/jetstream');
  const bus = new MessageBus(nc, jetstream(nc), { service: 'gateway', url, requestTimeoutMs: 10_000, instanceId: 'test' });
  return { nc, bus, close: () => nc.drain() };
}

/** The blueprint of the product docs, as the blueprints service hands it over (JSON). */
export function leadQualifier(overrides: { toolCode?: string; name?: string } = {}) {
  return {
    apiVersion: 'agentfactory.io/v1',
    kind: 'AgentBlueprint',
    metadata: { name: overrides.name ?? 'lead-qualifier', description: 'Qualifies inbound leads', labels: { team: 'sales' } },
    spec: {
      goal: 'Decide whether an inbound lead is qualified.',
      governance: { autonomyLevel: 'supervised' },
      triggers: [{ type: 'api' }],
      model: { route: ['offline/default'], maxCostUsdPerRun: 0.05 },
      prompt: { system: 'You qualify leads for {{company}}.', user: 'Lead: {{input.message}}', variables: { company: 'Acme' } },
      tools: [
        {
          name: 'score_lead',
          description: 'Score a lead 0-100',
          scope: 'internal',
          inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
          code: overrides.toolCode ?? 'export default function ({ message }: { message: string }) { return { score: Math.min(100, message.length) }; }\n',
        },
      ],
      output: { schema: { type: 'object', properties: { qualified: { type: 'boolean' }, score: { type: 'number' } }, required: ['qualified'] } },
    },
  };
}

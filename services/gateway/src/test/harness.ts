import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadGatewayConfig } from '../config.js';
import { configureGatewayHttp } from '../http/configure-http.js';

export const TEST_SECRET = 'test-secret-'.padEnd(40, 'x');
export const TEST_PEPPER = 'test-pepper-'.padEnd(40, 'p');

/**
 * The real gateway on a free port with a 64 KiB body limit (or the given one, `null` = the
 * configured default), against the real NATS and PostgreSQL (its own schema, dropped when the
 * service closes, unless `env` names one). `env` overrides variables (e.g. the API-key cache TTL).
 */
export async function startGateway(options: { bodyLimitBytes?: number | null; env?: Record<string, string> } = {}): Promise<{ service: RunningService; url: string; schema: string; databaseUrl: string }> {
  const ownSchema = options.env?.['GATEWAY_DATABASE_SCHEMA'] === undefined;
  const config = loadGatewayConfig({ ...process.env, AF_JWT_SECRET: TEST_SECRET, AF_API_KEY_PEPPER: TEST_PEPPER, GATEWAY_DATABASE_SCHEMA: uniqueName('gateway_test'), ...options.env });
  const schema = config.apiKeys.schema;
  const started = await startTestService({
    service: 'gateway',
    ...config,
    http: { ...config.http, bodyLimitBytes: options.bodyLimitBytes === null ? config.http.bodyLimitBytes : (options.bodyLimitBytes ?? 64 * 1024) },
    module: (runtime) => AppModule.forRoot(config, runtime),
    configureHttp: configureGatewayHttp,
  });
  const close = started.service.close.bind(started.service);
  started.service.close = async () => {
    await close();
    // A schema passed in belongs to whoever created it (another gateway sharing it).
    if (ownSchema) await dropSchema(config.database.url, schema);
  };
  return { ...started, schema, databaseUrl: config.database.url };
}

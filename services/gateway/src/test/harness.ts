import { bootstrapService, type RunningService } from '@af/runtime';
import { AppModule } from '../app.module.js';
import { loadGatewayConfig } from '../config.js';
import { installBodyParsers } from '../http/body-parsers.js';

export const TEST_SECRET = 'test-secret-'.padEnd(40, 'x');

/** The real gateway on a free port, against the real NATS. */
export async function startGateway(): Promise<{ service: RunningService; url: string }> {
  const config = loadGatewayConfig({ ...process.env, AF_JWT_SECRET: TEST_SECRET, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' });
  const service = await bootstrapService({
    service: 'gateway',
    ...config,
    http: { ...config.http, port: 0, bodyLimitBytes: 64 * 1024 },
    module: (runtime) => AppModule.forRoot(config, runtime),
    configureHttp: installBodyParsers,
  });
  const address = service.app.getHttpServer().address() as { port: number };
  return { service, url: `http://127.0.0.1:${address.port}` };
}

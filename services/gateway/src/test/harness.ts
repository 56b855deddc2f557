import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { AppModule } from '../app.module.js';
import { loadGatewayConfig } from '../config.js';
import { installBodyParsers } from '../http/body-parsers.js';

export const TEST_SECRET = 'test-secret-'.padEnd(40, 'x');

/** The real gateway on a free port with a 64 KiB body limit, against the real NATS. */
export async function startGateway(): Promise<{ service: RunningService; url: string }> {
  const config = loadGatewayConfig({ ...process.env, AF_JWT_SECRET: TEST_SECRET });
  return startTestService({
    service: 'gateway',
    ...config,
    http: { ...config.http, bodyLimitBytes: 64 * 1024 },
    module: (runtime) => AppModule.forRoot(config, runtime),
    configureHttp: installBodyParsers,
  });
}

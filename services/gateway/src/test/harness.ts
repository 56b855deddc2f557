import type { RunningService } from '@af/runtime';
import { startTestService } from '@af/runtime/testing';
import { AppModule } from '../app.module.js';
import { loadGatewayConfig } from '../config.js';
import { configureGatewayHttp } from '../http/configure-http.js';

export const TEST_SECRET = 'test-secret-'.padEnd(40, 'x');

/** The real gateway on a free port with a 64 KiB body limit (or the given one, `null` = the configured default), against the real NATS. */
export async function startGateway(options: { bodyLimitBytes?: number | null } = {}): Promise<{ service: RunningService; url: string }> {
  const config = loadGatewayConfig({ ...process.env, AF_JWT_SECRET: TEST_SECRET });
  return startTestService({
    service: 'gateway',
    ...config,
    http: { ...config.http, bodyLimitBytes: options.bodyLimitBytes === null ? config.http.bodyLimitBytes : (options.bodyLimitBytes ?? 64 * 1024) },
    module: (runtime) => AppModule.forRoot(config, runtime),
    configureHttp: configureGatewayHttp,
  });
}

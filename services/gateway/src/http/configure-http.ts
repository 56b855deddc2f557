import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { installEarlyAuthentication } from '../auth/early-authentication.js';
import { installRateLimit } from '../rate-limit/rate-limit.hook.js';
import { installOpenApi } from '../openapi/openapi.module.js';
import { installBodyParsers } from './body-parsers.js';
import { installInboundHookLimits } from '../hooks/inbound-hook.js';
import { installConsole } from '../console/console.http.js';

/** The gateway's HTTP edge: authentication before any body is read, then strict body parsers; the web console under /console. */
export async function configureGatewayHttp(app: NestFastifyApplication): Promise<void> {
  installEarlyAuthentication(app);
  installRateLimit(app);
  installInboundHookLimits(app);
  installBodyParsers(app);
  installOpenApi(app);
  await installConsole(app);
}

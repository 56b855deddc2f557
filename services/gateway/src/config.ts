import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { serviceConfigSpec } from '@af/runtime';

export const authConfigSpec = {
  jwtSecret: env.secret('AF_JWT_SECRET', { minLength: 32, description: 'HS256 key for API tokens' }),
  issuer: env.string('AF_JWT_ISSUER', { default: 'agent-factory' }),
  audience: env.string('AF_JWT_AUDIENCE', { default: 'agent-factory-api' }),
  clockToleranceSec: env.int('AF_JWT_CLOCK_TOLERANCE_SEC', { default: 30, min: 0, max: 600 }),
};

export const gatewayConfigSpec = {
  ...serviceConfigSpec('gateway'),
  nats: natsConfigSpec,
  auth: authConfigSpec,
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewayConfigSpec, source);
}

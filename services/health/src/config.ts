import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { redisConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const healthConfigSpec = {
  ...serviceConfigSpec('health'),
  nats: natsConfigSpec,
  redis: redisConfigSpec,
  mesh: {
    /** Services heartbeat every 5 s: three missed beats make an instance stale. */
    staleAfterMs: env.int('HEALTH_STALE_AFTER_MS', { default: 15_000, min: 1_000, max: 600_000, description: 'Heartbeat age after which an instance is stale' }),
    /** Instances not heard from for this long are forgotten (Redis TTL): their service is down. */
    expireAfterMs: env.int('HEALTH_EXPIRE_AFTER_MS', { default: 60_000, min: 2_000, max: 3_600_000, description: 'Heartbeat age after which an instance is forgotten' }),
    evaluateIntervalMs: env.int('HEALTH_EVALUATE_INTERVAL_MS', { default: 5_000, min: 500, max: 300_000, description: 'How often the mesh gauges are refreshed' }),
  },
};

export type HealthConfig = ReturnType<typeof loadHealthConfig>;

export function loadHealthConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(healthConfigSpec, source);
  if (config.mesh.expireAfterMs <= config.mesh.staleAfterMs) {
    throw new Error(`HEALTH_EXPIRE_AFTER_MS (${config.mesh.expireAfterMs}) must be greater than HEALTH_STALE_AFTER_MS (${config.mesh.staleAfterMs})`);
  }
  return config;
}

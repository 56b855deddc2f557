import { ConfigVarError, env, loadConfig, type VarSpec } from '@af/config';
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
    /** A worker silent for this long is dead in the overview (it stays listed until HEALTH_EXPIRE_AFTER_MS). */
    workerDeadAfterMs: env.int('HEALTH_WORKER_DEAD_AFTER_MS', { default: 15_000, min: 1_000, max: 600_000, description: 'Heartbeat age after which a worker is dead' }),
  },
  outcomes: {
    /** The sliding window of finished runs kept per tenant/agent/version. */
    windowMs: env.int('HEALTH_WINDOW_MS', { default: 15 * 60_000, min: 10_000, max: 24 * 3_600_000, description: 'Age of the oldest finished run kept per agent version' }),
    maxRunsPerVersion: env.int('HEALTH_WINDOW_MAX_RUNS', { default: 1_000, min: 10, max: 5_000, description: 'Most finished runs kept per agent version (the oldest are dropped)' }),
    /** A run's first start time is kept this long to measure its duration when it finishes. */
    startTtlMs: env.int('HEALTH_RUN_START_TTL_MS', { default: 24 * 3_600_000, min: 60_000, max: 7 * 24 * 3_600_000, description: 'How long a run start time is kept' }),
  },
  monitor: {
    intervalMs: env.int('HEALTH_MONITOR_INTERVAL_MS', { default: 10_000, min: 200, max: 600_000, description: 'How often agent versions are checked against the thresholds' }),
    maxFailureRate: ratio('HEALTH_MAX_FAILURE_RATE', 0.25, 'Failure rate (failed / (succeeded + failed)) above which a version is unhealthy'),
    minRuns: env.int('HEALTH_MIN_RUNS', { default: 10, min: 1, max: 5_000, description: 'Finished runs (succeeded + failed) a version needs before it can be judged unhealthy' }),
    maxP95Ms: env.int('HEALTH_MAX_P95_MS', { default: 120_000, min: 0, max: 24 * 3_600_000, description: 'p95 run duration above which a version is unhealthy (0 = not judged on duration)' }),
    maxVersionsPerPass: env.int('HEALTH_MONITOR_MAX_VERSIONS', { default: 5_000, min: 1, max: 100_000, description: 'Most agent versions one monitor pass evaluates' }),
  },
};

/** A fraction in [0, 1] (e.g. 0.25). */
function ratio(name: string, fallback: number, description: string): VarSpec<number> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description,
    parse(raw) {
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!/^\d*\.?\d+$/.test(raw) || !(value >= 0 && value <= 1)) throw new ConfigVarError(`must be a number between 0 and 1, got "${raw}"`);
      return value;
    },
  };
}

export type HealthConfig = ReturnType<typeof loadHealthConfig>;

export function loadHealthConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(healthConfigSpec, source);
  if (config.mesh.expireAfterMs <= config.mesh.staleAfterMs) {
    throw new Error(`HEALTH_EXPIRE_AFTER_MS (${config.mesh.expireAfterMs}) must be greater than HEALTH_STALE_AFTER_MS (${config.mesh.staleAfterMs})`);
  }
  if (config.mesh.workerDeadAfterMs >= config.mesh.expireAfterMs) {
    throw new Error(`HEALTH_WORKER_DEAD_AFTER_MS (${config.mesh.workerDeadAfterMs}) must be less than HEALTH_EXPIRE_AFTER_MS (${config.mesh.expireAfterMs})`);
  }
  return config;
}

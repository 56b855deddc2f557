import { ConfigError, env, loadConfig, type ConfigOf } from '@af/config';
import { natsConfigSpec, natsConnectOptionsOf } from '@af/messaging';
import { serviceConfigSpec } from '@af/runtime';
import { POOL_DEFAULTS } from './pool/pool.defaults.js';
import { scalingRuleProblems, type ScalingRules } from './pool/scaling-policy.js';

export const poolManagerConfigSpec = {
  ...serviceConfigSpec('pool-manager'),
  /** Longer than the workers' stop timeout: stopping the pool waits for its workers to drain. */
  shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', { default: POOL_DEFAULTS.workerStopTimeoutMs + 5_000, min: 0, max: 600_000 }),
  nats: natsConfigSpec,
  pool: {
    minWorkers: env.int('POOL_MIN_WORKERS', { default: POOL_DEFAULTS.minWorkers, min: 0, max: 256, description: 'Workers kept running however empty the queue' }),
    maxWorkers: env.int('POOL_MAX_WORKERS', { default: POOL_DEFAULTS.maxWorkers, min: 1, max: 256, description: 'Workers never exceeded however deep the queue' }),
    targetPerWorker: env.int('POOL_TARGET_PER_WORKER', { default: POOL_DEFAULTS.targetPerWorker, min: 1, max: 1_000_000, description: 'Queue depth (pending + ack pending) one worker should carry (KEDA lagThreshold)' }),
    pollMs: env.int('POOL_POLL_MS', { default: POOL_DEFAULTS.pollMs, min: 50, max: 300_000, description: 'How often the queue depth is sampled and the rule applied' }),
    scaleUpStep: env.int('POOL_SCALE_UP_STEP', { default: POOL_DEFAULTS.scaleUp.step, min: 1, max: 256, description: 'Workers added at most within one scale-up period' }),
    scaleUpPeriodMs: env.int('POOL_SCALE_UP_PERIOD_MS', { default: POOL_DEFAULTS.scaleUp.periodMs, min: 0, max: 3_600_000 }),
    scaleDownStep: env.int('POOL_SCALE_DOWN_STEP', { default: POOL_DEFAULTS.scaleDown.step, min: 1, max: 256, description: 'Workers removed at most within one scale-down period' }),
    scaleDownPeriodMs: env.int('POOL_SCALE_DOWN_PERIOD_MS', { default: POOL_DEFAULTS.scaleDown.periodMs, min: 0, max: 3_600_000 }),
    scaleDownStabilizationMs: env.int('POOL_SCALE_DOWN_STABILIZATION_MS', { default: POOL_DEFAULTS.scaleDown.stabilizationMs, min: 0, max: 3_600_000, description: 'How long the desired size must stay lower before the pool shrinks' }),
  },
  workers: {
    entry: env.string('POOL_WORKER_ENTRY', { default: 'services/worker/dist/main.js', description: 'Worker entry point (relative to the working directory)' }),
    portBase: env.int('POOL_WORKER_PORT_BASE', { default: 8100, min: 0, max: 65_000, description: 'HTTP port of worker slot n is base + n; 0 picks a free port for each' }),
    stopTimeoutMs: env.int('POOL_WORKER_STOP_TIMEOUT_MS', { default: POOL_DEFAULTS.workerStopTimeoutMs, min: 100, max: 600_000, description: 'SIGTERM to SIGKILL for a worker being stopped' }),
    logDir: env.string('POOL_WORKER_LOG_DIR', { default: '.state/logs/workers', description: 'One log file per worker' }),
    /** The workers' NATS user (never the pool manager's own, which is stripped from their environment). */
    nats: {
      nkeySeedFile: env.string('POOL_WORKER_NATS_NKEY_SEED_FILE', { default: '', description: 'nkey seed file of the workers\' NATS user: their NATS_NKEY_SEED_FILE' }),
      credsFile: env.string('POOL_WORKER_NATS_CREDS_FILE', { default: '', description: 'JWT creds file of the workers\' NATS user: their NATS_CREDS_FILE' }),
    },
  },
};

export type PoolManagerConfig = ConfigOf<typeof poolManagerConfigSpec>;

export function loadPoolManagerConfig(source: NodeJS.ProcessEnv = process.env): PoolManagerConfig {
  const config = loadConfig(poolManagerConfigSpec, source);
  const problems = scalingRuleProblems(scalingRulesOf(config.pool));
  if (config.shutdownTimeoutMs <= config.workers.stopTimeoutMs) {
    problems.push(`SHUTDOWN_TIMEOUT_MS (${config.shutdownTimeoutMs}) must be greater than POOL_WORKER_STOP_TIMEOUT_MS (${config.workers.stopTimeoutMs})`);
  }
  problems.push(...workerCredentialProblems(config));
  if (problems.length > 0) throw new Error(`invalid pool configuration: ${problems.join('; ')}`);
  return config;
}

/**
 * The workers' NATS credentials: one method at most, an existing file, a well-formed seed (the
 * same checks as a service's own, named after the POOL_WORKER_ variables); and required when the
 * pool manager itself authenticates — its workers would otherwise connect without credentials.
 */
function workerCredentialProblems(config: PoolManagerConfig): string[] {
  const worker = config.workers.nats;
  const problems: string[] = [];
  try {
    natsConnectOptionsOf({ nkeySeedFile: worker.nkeySeedFile, credsFile: worker.credsFile, user: '', password: '', tlsCaFile: '', tlsCertFile: '', tlsKeyFile: '' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) problems.push(`${p.env.replace(/NATS_/g, 'POOL_WORKER_NATS_')} ${p.problem}`);
  }
  const own = config.nats.auth;
  if ((own.nkeySeedFile || own.credsFile || own.user) && !worker.nkeySeedFile && !worker.credsFile) {
    problems.push('the pool manager authenticates to NATS but neither POOL_WORKER_NATS_NKEY_SEED_FILE nor POOL_WORKER_NATS_CREDS_FILE is set: its workers would have no NATS user');
  }
  return problems;
}

export function scalingRulesOf(pool: PoolManagerConfig['pool']): ScalingRules {
  return {
    minWorkers: pool.minWorkers,
    maxWorkers: pool.maxWorkers,
    targetPerWorker: pool.targetPerWorker,
    scaleUp: { step: pool.scaleUpStep, periodMs: pool.scaleUpPeriodMs },
    scaleDown: { step: pool.scaleDownStep, periodMs: pool.scaleDownPeriodMs, stabilizationMs: pool.scaleDownStabilizationMs },
  };
}

import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const deploymentConfigSpec = {
  ...serviceConfigSpec('deployment'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  lifecycle: {
    warmTimeoutMs: env.int('DEPLOYMENT_WARM_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000, description: 'How long a live worker has to answer the warm request (none → the deployment fails)' }),
    evalTimeoutMs: env.int('DEPLOYMENT_EVAL_TIMEOUT_MS', { default: 120_000, min: 1_000, max: 900_000, description: 'How long the eval gate waits for a worker to run the evals' }),
    watchIntervalMs: env.int('DEPLOYMENT_WATCH_INTERVAL_MS', { default: 5_000, min: 50, max: 600_000, description: 'How often canaries and open watch windows are judged (and unpublished transitions republished)' }),
    stuckAfterMs: env.int('DEPLOYMENT_STUCK_AFTER_MS', {
      default: 0,
      min: 0,
      max: 86_400_000,
      description:
        'How long a deployment may stay pending or warming without progress before it is failed as interrupted (its deploying process stopped) and the version can be deployed again; 0 = warm timeout + eval timeout + 35 s; never less than warm timeout + eval timeout + 5 s',
    }),
    windowSeconds: env.int('DEPLOYMENT_DEFAULT_WINDOW_SECONDS', { default: 300, min: 0, max: 86_400, description: 'Watch window when neither the request nor spec.deployment sets one' }),
    maxFailurePercent: env.int('DEPLOYMENT_DEFAULT_MAX_FAILURE_PERCENT', { default: 50, min: 1, max: 100, description: 'Failure rate (percent) that rolls a new version back during its window' }),
    maxP95Ms: env.int('DEPLOYMENT_DEFAULT_MAX_P95_MS', { default: 0, min: 0, max: 86_400_000, description: 'p95 run duration that rolls a new version back (0 = not judged)' }),
    minRuns: env.int('DEPLOYMENT_DEFAULT_MIN_RUNS', { default: 5, min: 1, max: 100_000, description: 'Finished runs needed before a new version is judged' }),
  },
};

export type DeploymentConfig = ReturnType<typeof loadDeploymentConfig>;

export function loadDeploymentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(deploymentConfigSpec, source);
}

import { loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const deploymentConfigSpec = {
  ...serviceConfigSpec('deployment'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
};

export type DeploymentConfig = ReturnType<typeof loadDeploymentConfig>;

export function loadDeploymentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(deploymentConfigSpec, source);
}

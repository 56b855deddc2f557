import { loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const orchestratorConfigSpec = {
  ...serviceConfigSpec('orchestrator'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
};

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;

export function loadOrchestratorConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(orchestratorConfigSpec, source);
}

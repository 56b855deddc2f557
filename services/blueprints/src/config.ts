import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const blueprintsConfigSpec = {
  ...serviceConfigSpec('blueprints'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  documents: {
    maxSourceBytes: env.int('BLUEPRINT_MAX_SOURCE_BYTES', { default: 262_144, min: 1_024, max: 4_194_304, description: 'Largest blueprint source accepted' }),
    maxDepth: env.int('BLUEPRINT_MAX_DEPTH', { default: 64, min: 8, max: 256, description: 'Deepest nesting accepted in a blueprint' }),
    maxAliasCount: env.int('BLUEPRINT_MAX_YAML_ALIASES', { default: 50, min: 0, max: 1_000, description: 'YAML alias resolutions allowed (alias bombs)' }),
  },
  outbox: {
    intervalMs: env.int('BLUEPRINTS_OUTBOX_INTERVAL_MS', { default: 5_000, min: 100, max: 600_000, description: 'How often versions whose event was not published are retried' }),
  },
};

export type BlueprintsConfig = ReturnType<typeof loadBlueprintsConfig>;

export function loadBlueprintsConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(blueprintsConfigSpec, source);
}

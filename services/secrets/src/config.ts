import { ConfigError, ConfigVarError, env, loadConfig, type VarSpec } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

/** A master key id: short, printable, stored on every tenant key row. */
export const MASTER_KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const MASTER_KEY_BYTES = 32;
const MAX_MASTER_KEYS = 16;

/**
 * `SECRETS_MASTER_KEYS`: a JSON object, key id → base64 of 32 random bytes. A secret: a problem
 * names the key id and the rule, never a key's bytes.
 */
function masterKeys(name: string, description: string): VarSpec<ReadonlyMap<string, Buffer>> {
  return {
    kind: 'var',
    env: name,
    secret: true,
    description,
    parse(raw) {
      if (raw === undefined || raw === '') throw new ConfigVarError('is required (a JSON object: key id → base64 of 32 random bytes)');
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ConfigVarError('must be a JSON object (key id → base64 of 32 random bytes); it does not parse as JSON');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigVarError('must be a JSON object (key id → base64 of 32 random bytes)');
      const entries = Object.entries(parsed as Record<string, unknown>);
      if (entries.length === 0) throw new ConfigVarError('must name at least one master key');
      if (entries.length > MAX_MASTER_KEYS) throw new ConfigVarError(`may name at most ${MAX_MASTER_KEYS} master keys (retire keys no data key uses any more)`);
      const keys = new Map<string, Buffer>();
      for (const [id, value] of entries) {
        if (!MASTER_KEY_ID.test(id)) throw new ConfigVarError(`key id ${JSON.stringify(id.slice(0, 64))} must match ${MASTER_KEY_ID}`);
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new ConfigVarError(`key "${id}" must be a base64 string`);
        const bytes = Buffer.from(value, 'base64');
        if (bytes.length !== MASTER_KEY_BYTES) throw new ConfigVarError(`key "${id}" must decode to exactly ${MASTER_KEY_BYTES} bytes (got ${bytes.length})`);
        keys.set(id, bytes);
      }
      return keys;
    },
  };
}

export const secretsConfigSpec = {
  ...serviceConfigSpec('secrets'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  keys: {
    masterKeys: masterKeys('SECRETS_MASTER_KEYS', 'Master keys that wrap the tenants\' data keys: JSON object, key id → base64 of 32 random bytes (keep retired keys until no data key uses them)'),
    activeMasterKey: env.string('SECRETS_ACTIVE_MASTER_KEY', { pattern: MASTER_KEY_ID, description: 'Id (in SECRETS_MASTER_KEYS) of the master key that wraps new data keys; data keys under other ids are re-wrapped with it' }),
  },
};

export type SecretsConfig = ReturnType<typeof loadSecretsConfig>;

/** Validated once at boot: every variable, and that the active master key is one of the configured keys. */
export function loadSecretsConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(secretsConfigSpec, source);
  if (!config.keys.masterKeys.has(config.keys.activeMasterKey)) {
    throw new ConfigError([{ env: 'SECRETS_ACTIVE_MASTER_KEY', problem: `names key "${config.keys.activeMasterKey}", which SECRETS_MASTER_KEYS does not hold (it holds: ${[...config.keys.masterKeys.keys()].join(', ')})` }]);
  }
  return config;
}

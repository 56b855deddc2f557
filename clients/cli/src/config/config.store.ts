import { chmod, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { CliError, ExitCode } from '../errors.js';

/** What `af login` keeps: the gateway and a credential (a JWT or an `afk_…` API key). */
export interface StoredConfig {
  gateway: string;
  credential: string;
}

const FILE = 'config.json';

/**
 * The config directory: `$XDG_CONFIG_HOME/af`, else `~/.config/af` on Linux (env-paths; macOS and
 * Windows get their platform's place). Read from the given environment so tests point it at a temp dir.
 */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env['XDG_CONFIG_HOME']) return join(env['XDG_CONFIG_HOME'], 'af');
  return envPaths('af', { suffix: '' }).config;
}

export function configFile(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), FILE);
}

/**
 * The stored login, or undefined when there is none. A file others can read or write is refused
 * (`CONFIG_INSECURE`): a credential readable by other users is as good as leaked.
 */
export async function readConfig(env: NodeJS.ProcessEnv): Promise<StoredConfig | undefined> {
  const file = configFile(env);
  let text: string;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new CliError('CONFIG_INSECURE', `${file} is readable or writable by others (mode ${(info.mode & 0o777).toString(8)}): run \`chmod 600 ${file}\` or \`af login\` again`, ExitCode.Config);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError('CONFIG_INVALID', `${file} is not JSON: run \`af login\` again`, ExitCode.Config);
  }
  const value = parsed as Partial<StoredConfig> | null;
  if (!value || typeof value.gateway !== 'string' || typeof value.credential !== 'string') {
    throw new CliError('CONFIG_INVALID', `${file} lacks gateway or credential: run \`af login\` again`, ExitCode.Config);
  }
  return { gateway: value.gateway, credential: value.credential };
}

/**
 * Stores the login: the directory 0700, the file 0600 (created with that mode, so it is never
 * readable by others even for an instant, and chmod-ed when it existed with another). Verifies the
 * mode afterwards and refuses (removing the file) when the file system did not keep it.
 */
export async function writeConfig(env: NodeJS.ProcessEnv, config: StoredConfig): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, FILE);
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(JSON.stringify(config, null, 2) + '\n', 'utf8');
  } finally {
    await handle.close();
  }
  const mode = (await stat(file)).mode & 0o777;
  if (process.platform !== 'win32' && mode !== 0o600) {
    await rm(file, { force: true });
    throw new CliError('CONFIG_INSECURE', `${file} would have mode ${mode.toString(8)}, not 600: the credential was not stored`, ExitCode.Config);
  }
  return file;
}

/** Forgets the login; true when there was one. */
export async function removeConfig(env: NodeJS.ProcessEnv): Promise<boolean> {
  const file = configFile(env);
  try {
    await stat(file);
  } catch {
    return false;
  }
  await rm(file, { force: true });
  return true;
}

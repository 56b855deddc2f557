import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { configDir, configFile, readConfig, removeConfig, writeConfig } from './config.store.js';

describe('config store', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'af-cli-config-'));
    env = { XDG_CONFIG_HOME: home };
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('lives in $XDG_CONFIG_HOME/af', () => {
    expect(configDir(env)).toBe(join(home, 'af'));
  });

  it('writes the login with mode 0600 in a 0700 directory, and reads it back', async () => {
    const file = await writeConfig(env, { gateway: 'http://gw', credential: 'afk_secret' });
    expect(file).toBe(configFile(env));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'af'))).mode & 0o777).toBe(0o700);
    expect(await readConfig(env)).toEqual({ gateway: 'http://gw', credential: 'afk_secret' });
  });

  it('tightens a file that existed with a looser mode when it writes', async () => {
    await mkdir(join(home, 'af'), { mode: 0o755 });
    await writeFile(configFile(env), '{}', { mode: 0o644 });
    await writeConfig(env, { gateway: 'http://gw', credential: 't' });
    expect((await stat(configFile(env))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'af'))).mode & 0o777).toBe(0o700);
  });

  it('refuses to read a credential file others can read', async () => {
    await writeConfig(env, { gateway: 'http://gw', credential: 't' });
    await chmod(configFile(env), 0o644);
    await expect(readConfig(env)).rejects.toMatchObject({ code: 'CONFIG_INSECURE' });
    await expect(readConfig(env)).rejects.toBeInstanceOf(CliError);
  });

  it('reads nothing when there is no login, and logout removes it', async () => {
    expect(await readConfig(env)).toBeUndefined();
    await writeConfig(env, { gateway: 'http://gw', credential: 't' });
    expect(await removeConfig(env)).toBe(true);
    expect(await readConfig(env)).toBeUndefined();
    expect(await removeConfig(env)).toBe(false);
  });

  it('rejects a file without gateway or credential', async () => {
    await mkdir(join(home, 'af'), { mode: 0o700 });
    await writeFile(configFile(env), JSON.stringify({ gateway: 'x' }), { mode: 0o600 });
    await expect(readConfig(env)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigVarError, type VarSpec } from '@af/config';

/**
 * Where the built web console is (`clients/console/dist`, written by `nx run console:build`):
 * this file sits in services/gateway/src/console (tests) or services/gateway/dist/console (built),
 * so the repository's copy is four levels up from both.
 */
export const DEFAULT_CONSOLE_DIR = resolve(import.meta.dirname, '../../../../clients/console/dist');

/**
 * An absolute path to a directory; one that does not exist (yet) is accepted — `/console` then
 * answers 404 saying the console is not built — but a path naming a file is a mistake.
 */
function consoleDir(name: string): VarSpec<string> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description: 'Directory of the built web console served under /console (default: the repository’s clients/console/dist)',
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return DEFAULT_CONSOLE_DIR;
      if (!isAbsolute(raw)) throw new ConfigVarError(`must be an absolute path (got a relative one)`);
      const dir = resolve(raw);
      const stat = statSync(dir, { throwIfNoEntry: false });
      if (stat && !stat.isDirectory()) throw new ConfigVarError('names a file, not a directory');
      return dir;
    },
  };
}

export const consoleConfigSpec = {
  dir: consoleDir('GATEWAY_CONSOLE_DIR'),
};

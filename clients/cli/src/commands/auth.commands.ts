import { Command, Option } from 'commander';
import { readConfig } from '../config/config.store.js';
import { gatewayOf, sessionWith } from '../context.js';
import { CliError } from '../errors.js';
import { login, logout } from '../api/auth.api.js';
import { withGlobals, type CommandDeps } from './command-kit.js';

export function authCommands({ io }: CommandDeps): Command[] {
  const loginCommand = new Command('login')
    .description('check a credential against the gateway and store it (config dir, mode 0600); with no flag the credential is read from stdin')
    .addOption(new Option('--token <jwt>', 'a JWT').conflicts('apiKey'))
    .addOption(new Option('--api-key <key>', 'an API key (afk_…)').conflicts('token'))
    .action(
      withGlobals<{ token?: string; apiKey?: string }>(io, async (globals, opts, _args, output) => {
        const stored = await readConfig(io.env).catch(() => undefined);
        const gateway = gatewayOf(globals, io, stored?.gateway);
        const credential = (opts.token ?? opts.apiKey ?? (await io.readStdin())).trim();
        if (!credential) throw CliError.usage('give --token, --api-key, or the credential on stdin', '--token');
        if (/\s/.test(credential)) throw CliError.usage('the credential contains white space', opts.apiKey ? '--api-key' : '--token');
        const session = sessionWith(io, gateway, credential, output);
        const { file } = await login(session.client, io.env, gateway, credential);
        io.stdout.write(`logged in to ${gateway} (credential stored in ${file}, mode 600)\n`);
      }),
    );
  const logoutCommand = new Command('logout').description('forget the stored credential').action(
    withGlobals(io, async () => {
      const removed = await logout(io.env);
      io.stdout.write(removed ? 'logged out\n' : 'not logged in\n');
    }),
  );
  return [loginCommand, logoutCommand];
}

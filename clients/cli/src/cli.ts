import { Argument, Command, CommanderError, Option } from 'commander';
import { authCommands } from './commands/auth.commands.js';
import { blueprintCommands } from './commands/blueprint.commands.js';
import { deploymentCommands } from './commands/deployment.commands.js';
import { governanceCommands } from './commands/governance.commands.js';
import { runCommands } from './commands/run.commands.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { CLI_VERSION } from './context.js';
import { describeError, ExitCode } from './errors.js';
import type { CliIo } from './io.js';
import { OUTPUT_FORMATS } from './output/format.js';

/**
 * The `af` command tree. Commander parses and checks arguments (a usage error exits 64); each
 * action calls one service function and one view of output/; errors surface in runCli.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('af')
    .description('Agent Factory from the command line: apply blueprints, deploy and watch rollouts, run agents and follow them, decide approvals')
    .version(CLI_VERSION, '-V, --version', 'print the version of af')
    // Options belong to the command they follow (`af deploy x --version 2` is the blueprint's
    // version, not af's); the global ones are declared on every command, so they work on both sides.
    .enablePositionalOptions()
    .configureHelp({ sortSubcommands: false })
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showSuggestionAfterError(true)
    .exitOverride();

  addGlobalOptions(program);
  const deps = { io };
  const groups = [authCommands(deps), blueprintCommands(deps), deploymentCommands(deps), runCommands(deps), governanceCommands(deps)];
  for (const command of groups.flat()) program.addCommand(inherit(program, command));
  program.addCommand(
    inherit(
      program,
      new Command('completion')
        .description('print a shell completion script: `source <(af completion bash)`, `af completion zsh > "${fpath[1]}/_af"`, `af completion fish | source`')
        .addArgument(new Argument('<shell>', SHELLS.join(', ')).choices(SHELLS))
        .action((shell: Shell) => void io.stdout.write(completionScript(program, shell))),
    ),
  );
  return program;
}

/** `--gateway`, `--output`, `--no-color`: accepted by af itself and by every command. */
function addGlobalOptions(command: Command): Command {
  return command
    .addOption(new Option('--gateway <url>', 'the gateway (default: AF_GATEWAY_URL, else the one `af login` stored, else http://127.0.0.1:8080)'))
    .addOption(new Option('-o, --output <format>', 'json, yaml or table (default: table on a terminal, json otherwise)').choices(OUTPUT_FORMATS))
    .option('--no-color', 'no colours (NO_COLOR does the same)');
}

/**
 * A command built apart gets the root's settings (output, exit override), as `.command()` would
 * give it, and the global options (a command with sub-commands passes them on to those).
 */
function inherit(program: Command, command: Command): Command {
  command.copyInheritedSettings(program);
  if (command.commands.length === 0) addGlobalOptions(command);
  for (const child of command.commands) inherit(program, child);
  return command;
}

/** Runs `af` with the arguments after the program name; resolves to the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" commander throws to stop; everything else is a usage error it printed.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.Ok;
      if (error.code === 'commander.executeSubCommandAsync') return ExitCode.Failure;
      return ExitCode.Usage;
    }
    const { line, exitCode } = describeError(error);
    if (line) io.stderr.write(line + '\n');
    return exitCode;
  }
}

import { InvalidArgumentError, type Command } from 'commander';
import { openSession, painters, type GlobalOptions, type Session } from '../context.js';
import type { CliIo } from '../io.js';
import { formatData } from '../output/format.js';

/**
 * The global options wherever they were written (`af -o json runs` or `af runs -o json`): for each,
 * the value given on the command line nearest the leaf command, else undefined (the defaults apply).
 */
export function globalsOf(command: Command): GlobalOptions {
  const chain: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) chain.push(c);
  const given = <K extends keyof GlobalOptions>(key: K): GlobalOptions[K] | undefined => {
    const from = chain.find((c) => c.getOptionValueSource(key) === 'cli');
    return from ? (from.opts()[key] as GlobalOptions[K]) : undefined;
  };
  return { gateway: given('gateway'), output: given('output'), color: given('color') };
}

/** What every command registration gets: the io it prints to. */
export interface CommandDeps {
  io: CliIo;
}

/**
 * A commander action that opens a session (gateway + credential) and hands it, the command's own
 * options and its positional arguments to `run`. Errors propagate to main, which prints one line.
 */
export function withSession<O>(io: CliIo, run: (session: Session, opts: O, args: string[]) => Promise<void>) {
  return async (...params: unknown[]): Promise<void> => {
    const command = params[params.length - 1] as Command;
    const globals = globalsOf(command);
    const session = await openSession(globals, io);
    await run(session, command.opts() as O, command.args);
  };
}

/** The same without a session (login, logout, completion). */
export function withGlobals<O>(io: CliIo, run: (globals: GlobalOptions, opts: O, args: string[], output: ReturnType<typeof painters>) => Promise<void>) {
  return async (...params: unknown[]): Promise<void> => {
    const command = params[params.length - 1] as Command;
    const globals = globalsOf(command);
    await run(globals, command.opts() as O, command.args, painters(globals, io));
  };
}

/** Prints data in the session's format; `table` renders the people's view. */
export function printData(session: Session, data: unknown, table: () => string): void {
  session.io.stdout.write(formatData(session.format, data, table) + '\n');
}

/** `--limit 20`, `--version 3`: an integer within bounds, else a usage error naming the flag. */
export function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    const value = Number(raw);
    if (value < min || value > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return value;
  };
}

/** `5m`, `90s`, `1h`, `250ms` or plain seconds → milliseconds. */
export function duration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 1h');
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(Number(match[1]) * factor);
}

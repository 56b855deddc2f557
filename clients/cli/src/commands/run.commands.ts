import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { followRun } from '@af/api-client';
import type { Session } from '../context.js';
import { CliError, ExitCode, OutcomeExit } from '../errors.js';
import { runHistoryTable, runOutcome, runsTable, runView, transitionLine } from '../output/views.js';
import { cancelRun, getRun, listRuns, runHistory, startRun, type Run } from '../api/run.api.js';
import { integer, printData, withSession, type CommandDeps } from './command-kit.js';

/** `--input '{…}'` or `--input-file f`: a JSON object (the agent's input), else a usage error naming the flag. */
async function inputOf(opts: { input?: string; inputFile?: string }): Promise<Record<string, unknown>> {
  const flag = opts.inputFile !== undefined ? '--input-file' : '--input';
  let text = opts.input ?? '{}';
  if (opts.inputFile !== undefined) {
    try {
      text = await readFile(opts.inputFile, 'utf8');
    } catch (error) {
      throw new CliError('FILE_UNREADABLE', `cannot read ${opts.inputFile}: ${(error as Error).message}`, ExitCode.Failure, flag);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw CliError.usage(`the input is not JSON: ${(error as Error).message}`, flag);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw CliError.usage('the input must be a JSON object', flag);
  return value as Record<string, unknown>;
}

/**
 * Streams a run's events until it is final: transitions one per line, model tokens inline as they
 * come. In table mode to stdout; with json/yaml output to stderr, and the final run on stdout.
 * Returns the final run (read once more: the stream's end frame carries only its status).
 */
async function streamRun(session: Session, runId: string): Promise<Run> {
  const stream = session.format === 'table' ? session.io.stdout : session.io.stderr;
  let midLine = false;
  for await (const event of followRun(session.clientOptions, runId)) {
    if (event.event === 'token') {
      const text = event.data['text'];
      if (typeof text === 'string' && text) {
        stream.write(session.out.paint('dim', text));
        midLine = !text.endsWith('\n');
      }
    } else if (event.event === 'transition') {
      if (midLine) stream.write('\n');
      midLine = false;
      stream.write(transitionLine(event.data, session.out) + '\n');
    }
  }
  if (midLine) stream.write('\n');
  return getRun(session.client, runId);
}

function finish(session: Session, run: Run): void {
  printData(session, run, () => runOutcome(run, session.out));
  if (run.status !== 'succeeded') throw new OutcomeExit(ExitCode.Failure, `run ${run.status}`);
}

export function runCommands({ io }: CommandDeps): Command[] {
  const run = new Command('run')
    .description('start a run of an agent and print its id; --follow streams its events until it is final (exit 0 succeeded, 1 failed or cancelled)')
    .argument('<agent>')
    .addOption(new Option('--input <json>', "the agent's input, a JSON object").conflicts('inputFile'))
    .addOption(new Option('--input-file <path>', 'the input from a file').conflicts('input'))
    .option('--follow', 'stream the run until it is final')
    .option('--idempotency-key <key>', 'a resubmission with the same key returns the first run')
    .action(
      withSession<{ input?: string; inputFile?: string; follow?: boolean; idempotencyKey?: string }>(io, async (session, opts, [agent]) => {
        const input = await inputOf(opts);
        const started = await startRun(session.client, agent!, input, opts.idempotencyKey);
        if (!opts.follow) return printData(session, started, () => started.runId);
        (session.format === 'table' ? io.stdout : io.stderr).write(`run ${started.runId} (${started.agent} v${started.version})${started.replayed ? ' replayed' : ''}\n`);
        finish(session, await streamRun(session, started.runId));
      }),
    );

  const runs = new Command('runs')
    .description('recent runs, newest first')
    .option('--agent <name>', 'of one agent')
    .option('--status <status>', 'queued, running, waiting, succeeded, failed, cancelled')
    .option('--limit <n>', 'at most this many', integer(1, 500))
    .action(
      withSession<{ agent?: string; status?: string; limit?: number }>(io, async (session, opts) => {
        const rows = await listRuns(session.client, opts);
        printData(session, rows, () => runsTable(rows, session.out));
      }),
    );

  const logs = new Command('logs')
    .description("a run's events (its transitions); --follow streams them, and model tokens, until it is final")
    .argument('<runId>')
    .option('--follow', 'stream until the run is final')
    .action(
      withSession<{ follow?: boolean }>(io, async (session, opts, [runId]) => {
        if (opts.follow) {
          const final = await streamRun(session, runId!);
          printData(session, final, () => runOutcome(final, session.out));
          return;
        }
        const history = await runHistory(session.client, runId!);
        printData(session, history, () => runHistoryTable(history, session.out));
      }),
    );

  const cancel = new Command('cancel')
    .description('cancel a run (a final run is left as it is)')
    .argument('<runId>')
    .option('--reason <text>', 'why')
    .action(
      withSession<{ reason?: string }>(io, async (session, opts, [runId]) => {
        const cancelled = await cancelRun(session.client, runId!, opts.reason);
        printData(session, cancelled, () => runView(cancelled, session.out));
      }),
    );
  return [run, runs, logs, cancel];
}

import { Command } from 'commander';
import { ApiError } from '@af/api-client';
import type { Session } from '../context.js';
import { CliError, OutcomeExit, ExitCode } from '../errors.js';
import { renderAt, renderValidationReport } from '../output/validation-report.render.js';
import { diffView } from '../output/views.js';
import { applyBlueprint, diffFile, diffVersions, readBlueprintFile, reportOf, validateBlueprint, type BlueprintFile } from '../api/blueprint.api.js';
import { integer, printData, withSession, type CommandDeps } from './command-kit.js';

/** A refused save: the report (422) or the offending line (400 with a path), on stderr; then the error line. */
function explainRefusal(session: Session, source: BlueprintFile, error: unknown): void {
  const report = reportOf(error);
  if (report) session.io.stderr.write(renderValidationReport(report, source, session.err) + '\n');
  else if (error instanceof ApiError && error.path && (error.code === 'INVALID_DOCUMENT' || error.code === 'INVALID_ARGUMENT')) {
    session.io.stderr.write(renderAt(source, error.path, error.message, session.err).join('\n') + '\n');
  }
}

export function blueprintCommands({ io }: CommandDeps): Command[] {
  const apply = new Command('apply')
    .description('store a blueprint file: version 1 of a new agent, or a new version (nothing stored when unchanged); an invalid one prints its report and exits 1')
    .requiredOption('-f, --file <path>', 'the blueprint (YAML or JSON; - for stdin)')
    .action(
      withSession<{ file: string }>(io, async (session, opts) => {
        const source = await readBlueprintFile(opts.file, io.readStdin);
        let outcome;
        try {
          outcome = await applyBlueprint(session.client, source);
        } catch (error) {
          explainRefusal(session, source, error);
          throw error;
        }
        const { blueprint } = outcome;
        printData(session, outcome, () => {
          const verb = outcome.action === 'unchanged' ? 'unchanged at' : outcome.action === 'created' ? 'created as' : 'updated to';
          const line = `blueprint ${blueprint.name} ${verb} version ${blueprint.version}`;
          const report = blueprint.validation;
          return report.warnings.length || report.suggestions.length ? `${renderValidationReport(report, source, session.out)}\n${line}` : line;
        });
      }),
    );

  const validate = new Command('validate')
    .description('validate a blueprint file without storing it; exits 1 when it is invalid')
    .requiredOption('-f, --file <path>', 'the blueprint (YAML or JSON; - for stdin)')
    .action(
      withSession<{ file: string }>(io, async (session, opts) => {
        const source = await readBlueprintFile(opts.file, io.readStdin);
        let report;
        try {
          report = await validateBlueprint(session.client, source);
        } catch (error) {
          explainRefusal(session, source, error);
          throw error;
        }
        printData(session, report, () => renderValidationReport(report, source, session.out));
        if (!report.valid) throw new OutcomeExit(ExitCode.Failure, 'invalid');
      }),
    );

  const diff = new Command('diff')
    .description('structural changes between two stored versions of an agent (default: the latest and the one before), or from the latest to a file (-f)')
    .argument('[agent]', 'the agent (blueprint name)')
    .option('-f, --file <path>', 'compare this file with the latest stored version of its blueprint')
    .option('--from <version>', 'the version to compare from', integer(1, 2147483647))
    .option('--to <version>', 'the version to compare to (default: the latest)', integer(1, 2147483647))
    .option('--exit-code', 'exit 1 when there are differences (as git diff --exit-code)')
    .action(
      withSession<{ file?: string; from?: number; to?: number; exitCode?: boolean }>(io, async (session, opts, args) => {
        const agent = args[0];
        if (agent && opts.file) throw CliError.usage('give an agent or --file, not both', '--file');
        if (!agent && !opts.file) throw CliError.usage('give an agent or --file', 'agent');
        if (opts.file && (opts.from !== undefined || opts.to !== undefined)) throw CliError.usage('--from/--to compare stored versions: not with --file', '--from');
        const result = opts.file ? await diffFile(session.client, await readBlueprintFile(opts.file, io.readStdin)) : await diffVersions(session.client, agent!, opts);
        printData(session, result, () => diffView(result, session.out));
        if (opts.exitCode && result.operations.length > 0) throw new OutcomeExit(ExitCode.Failure, 'differences');
      }),
    );
  return [apply, validate, diff];
}

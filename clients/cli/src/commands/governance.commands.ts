import { Command, Option } from 'commander';
import { escalationLine, escalationsTable, deadLettersTable, usageTable } from '../output/views.js';
import { approve, listEscalations, reject } from '../api/approval.api.js';
import { listDeadLetters, retryDeadLetter, usage, USAGE_GROUPS } from '../api/usage.api.js';
import { integer, printData, withSession, type CommandDeps } from './command-kit.js';

export function governanceCommands({ io }: CommandDeps): Command[] {
  const approvals = new Command('approvals')
    .description('escalations waiting for a decision (the action, its arguments, the risk and the reason)')
    .option('--status <status>', 'pending, approved, rejected, expired … (all: every status)', 'pending')
    .option('--run <runId>', 'of one run')
    .option('--limit <n>', 'at most this many', integer(1, 500))
    .action(
      withSession<{ status: string; run?: string; limit?: number }>(io, async (session, opts) => {
        const rows = await listEscalations(session.client, { ...(opts.status === 'all' ? {} : { status: opts.status }), runId: opts.run, limit: opts.limit });
        printData(session, rows, () => escalationsTable(rows, session.out));
      }),
    );

  const approveCommand = new Command('approve')
    .description('approve an escalation (the run resumes once its quorum and levels are met)')
    .argument('<id>')
    .option('--reason <text>', 'why')
    .action(
      withSession<{ reason?: string }>(io, async (session, opts, [id]) => {
        const escalation = await approve(session.client, id!, opts.reason);
        printData(session, escalation, () => escalationLine(escalation));
      }),
    );

  const rejectCommand = new Command('reject')
    .description('reject an escalation: the run fails with the reason')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why (required)')
    .action(
      withSession<{ reason: string }>(io, async (session, opts, [id]) => {
        const escalation = await reject(session.client, id!, opts.reason);
        printData(session, escalation, () => escalationLine(escalation));
      }),
    );

  const usageCommand = new Command('usage')
    .description('model calls, tokens and cost by agent, model or day')
    .addOption(new Option('--group-by <key>', 'rows per').choices(USAGE_GROUPS).default('agent'))
    .option('--from <date>', 'from (ISO date or time; default: the start of the month)')
    .option('--to <date>', 'to (default: now)')
    .option('--agent <name>', 'one agent only')
    .action(
      withSession<{ groupBy: string; from?: string; to?: string; agent?: string }>(io, async (session, opts) => {
        const result = await usage(session.client, opts);
        printData(session, result, () => usageTable(result, session.out));
      }),
    );

  const deadLetters = new Command('dead-letters').description('messages that exhausted their deliveries');
  deadLetters
    .command('list', { isDefault: true })
    .description('list dead letters')
    .option('--status <status>', 'pending, retried …')
    .option('--limit <n>', 'at most this many', integer(1, 500))
    .action(
      withSession<{ status?: string; limit?: number }>(io, async (session, opts) => {
        const rows = await listDeadLetters(session.client, opts);
        printData(session, rows, () => deadLettersTable(rows, session.out));
      }),
    );
  deadLetters
    .command('retry')
    .description("retry a dead letter's run")
    .argument('<id>')
    .action(
      withSession(io, async (session, _opts, [id]) => {
        const result = await retryDeadLetter(session.client, id!);
        printData(session, result, () => `dead letter ${result.deadLetter.id}: ${result.deadLetter.status}${result.run ? `; run ${result.run.runId} ${result.run.status}` : ''}`);
      }),
    );
  return [approvals, approveCommand, rejectCommand, usageCommand, deadLetters];
}

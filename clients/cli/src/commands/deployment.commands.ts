import { Command, Option } from 'commander';
import type { Session } from '../context.js';
import { CliError, ExitCode, OutcomeExit } from '../errors.js';
import { progress } from '../output/progress.js';
import { agentsTable, agentView, deploymentView, rolloutLine } from '../output/views.js';
import { deploy, getAgent, latestDeployment, listAgents, promote, rollback, watchRollout, type Deployment } from '../api/deployment.api.js';
import { duration, integer, printData, withSession, type CommandDeps } from './command-kit.js';

const FIVE_MINUTES = 5 * 60_000;

/**
 * Follows a deployment until it settles: exit 0 active, 1 rolled back / failed / superseded, 2 when
 * the timeout passes first. Prints the final deployment in json/yaml mode.
 */
async function followRollout(session: Session, agent: string, deployment: Deployment, timeoutMs: number): Promise<void> {
  const live = progress(session);
  const { outcome, last } = await watchRollout(session.client, agent, deployment.deploymentId, {
    timeoutMs,
    intervalMs: session.io.pollIntervalMs ?? 1000,
    onProgress: (p) => live.update(rolloutLine(p, session.out)),
  });
  const line = rolloutLine(last, session.out);
  if (outcome === 'active') live.succeed(line);
  else if (outcome === 'timeout') live.fail(`${line} — still not settled after ${Math.round(timeoutMs / 1000)} s`);
  else live.fail(line);
  if (session.format !== 'table') printData(session, last.deployment, () => '');
  if (outcome === 'timeout') throw new OutcomeExit(ExitCode.Timeout, 'rollout timed out');
  if (outcome !== 'active') throw new OutcomeExit(ExitCode.Failure, `rollout ${outcome}`);
}

export function deploymentCommands({ io }: CommandDeps): Command[] {
  const deployCommand = new Command('deploy')
    .description('deploy a version of an agent (default: the latest) at once, or as a canary taking a share of new runs')
    .argument('<agent>')
    .option('--version <n>', 'the blueprint version (default: the latest)', integer(1, 2147483647))
    .option('--canary <percent>', 'a canary taking this percent of new runs during its window', integer(1, 99))
    .option('--window <seconds>', 'the watch window (automatic rollback; a canary is promoted at its end)', integer(0, 86400))
    .option('--wait', 'follow the rollout until active, rolled back or the timeout (as `af rollout status`)')
    .addOption(new Option('--timeout <duration>', 'with --wait: how long to wait (30s, 5m, 1h)').argParser(duration).default(FIVE_MINUTES, '5m'))
    .action(
      withSession<{ version?: number; canary?: number; window?: number; wait?: boolean; timeout: number }>(io, async (session, opts, [agent]) => {
        const deployment = await deploy(session.client, agent!, { version: opts.version, canary: opts.canary, windowSeconds: opts.window });
        if (!opts.wait) return printData(session, deployment, () => `deployment ${deployment.deploymentId}: ${agent} version ${deployment.version} ${deployment.status}${deployment.message ? ` (${deployment.message})` : ''}`);
        if (session.format === 'table') io.stdout.write(`deployment ${deployment.deploymentId}: ${agent} version ${deployment.version}\n`);
        await followRollout(session, agent!, deployment, opts.timeout);
      }),
    );

  const rollout = new Command('rollout').description('follow deployments');
  rollout
    .command('status')
    .description("live progress of an agent's newest deployment (warming, canary share, health) until active (exit 0), rolled back or failed (1), or the timeout (2)")
    .argument('<agent>')
    .addOption(new Option('--timeout <duration>', 'how long to wait (30s, 5m, 1h)').argParser(duration).default(FIVE_MINUTES, '5m'))
    .action(
      withSession<{ timeout: number }>(io, async (session, opts, [agent]) => {
        const deployment = await latestDeployment(session.client, agent!);
        if (!deployment) throw new CliError('NOT_DEPLOYED', `agent ${agent} has no deployment`, ExitCode.Failure, '/name');
        await followRollout(session, agent!, deployment, opts.timeout);
      }),
    );

  const promoteCommand = new Command('promote')
    .description('make a canary the active deployment now (or close an active deployment’s watch window)')
    .argument('<agent>')
    .argument('<deploymentId>')
    .action(
      withSession(io, async (session, _opts, [agent, id]) => {
        const deployment = await promote(session.client, agent!, id!);
        printData(session, deployment, () => deploymentView(deployment, session.out));
      }),
    );

  const rollbackCommand = new Command('rollback')
    .description('return an agent to its previously active version (or --to-version)')
    .argument('<agent>')
    .option('--to-version <n>', 'the version to return to', integer(1, 2147483647))
    .option('--reason <text>', 'recorded on the transition')
    .action(
      withSession<{ toVersion?: number; reason?: string }>(io, async (session, opts, [agent]) => {
        const deployment = await rollback(session.client, agent!, opts);
        printData(session, deployment, () => deploymentView(deployment, session.out));
      }),
    );

  const agents = new Command('agents').description("the tenant's agents").action(
    withSession(io, async (session) => {
      const rows = await listAgents(session.client);
      printData(session, rows, () => agentsTable(rows, session.out));
    }),
  );

  const agent = new Command('agent')
    .description('one agent: health, active and canary deployments, versions serving with their share and error rate')
    .argument('<name>')
    .action(
      withSession(io, async (session, _opts, [name]) => {
        const view = await getAgent(session.client, name!);
        printData(session, view, () => agentView(view, session.out));
      }),
    );
  return [deployCommand, rollout, promoteCommand, rollbackCommand, agents, agent];
}

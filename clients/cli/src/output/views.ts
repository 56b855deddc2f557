import type { Escalation } from '../api/approval.api.js';
import type { AgentSummary, AgentView, Deployment, RolloutProgress } from '../api/deployment.api.js';
import type { BlueprintDiff } from '../api/blueprint.api.js';
import type { Run, RunHistory, RunList } from '../api/run.api.js';
import type { DeadLetter, Usage } from '../api/usage.api.js';
import { cell, clock, percent, renderRecord, renderTable, usd, type Painter } from './format.js';

/** Every table the CLI prints, in one place: commands choose the view, never the columns. */

export function agentsTable(rows: AgentSummary[], p: Painter): string {
  return renderTable(rows, [
    { header: 'NAME', value: (r) => r.name },
    { header: 'LATEST', value: (r) => `${r.latestVersion}${r.valid ? '' : ' (invalid)'}` },
    { header: 'ACTIVE', value: (r) => r.deployment?.active?.version },
    { header: 'CANARY', value: (r) => (r.deployment?.canary ? `v${r.deployment.canary.version} ${r.deployment.canary.percent}%` : null) },
    { header: 'HEALTH', value: (r) => (r.deployment ? healthText(r.deployment.health, p) : 'unavailable') },
    { header: 'IN FLIGHT', value: (r) => r.deployment?.inFlightRuns },
    { header: 'RUNS', value: (r) => r.recent?.runs },
    { header: 'ERROR RATE', value: (r) => (r.recent ? percent(r.recent.failureRate) : null) },
    { header: 'DESCRIPTION', value: (r) => r.description },
  ], p);
}

export function agentView(view: AgentView, p: Painter): string {
  const head = renderRecord([
    ['agent', view.agent],
    ['health', healthText(view.health, p)],
    ['active', view.active ? `version ${view.active.version} (${view.active.deploymentId})` : null],
    ['canary', view.canary ? `version ${view.canary.version} at ${view.canary.canaryPercent}% (${view.canary.deploymentId})` : null],
  ], p);
  const versions = renderTable(view.versions, [
    { header: 'VERSION', value: (v) => v.version },
    { header: 'ROLE', value: (v) => v.role },
    { header: 'SHARE', value: (v) => `${v.percent}%` },
    { header: 'IN FLIGHT', value: (v) => v.inFlightRuns },
    { header: 'RUNS', value: (v) => v.runs },
    { header: 'FAILED', value: (v) => v.failed },
    { header: 'FAILURE RATE', value: (v) => percent(v.failureRate) },
    { header: 'P95 MS', value: (v) => Math.round(v.p95Ms) },
    { header: 'DEPLOYMENT', value: (v) => v.deploymentId },
  ], p);
  return `${head}\n${versions}`;
}

export function healthText(health: string, p: Painter): string {
  const style = health === 'healthy' ? 'green' : health === 'degraded' ? 'yellow' : health === 'unhealthy' ? 'red' : 'dim';
  return p.paint(style, health);
}

export function deploymentView(d: Deployment, p: Painter): string {
  return renderRecord([
    ['deployment', d.deploymentId],
    ['agent', d.agent],
    ['version', d.version],
    ['status', d.status],
    ['strategy', d.strategy === 'canary' ? `canary ${d.canaryPercent}%` : d.strategy],
    ['window ends', d.windowEndsAt],
    ['reason', d.reason],
    ['created', `${d.createdAt} by ${d.createdBy}`],
  ], p);
}

/** One line of a rollout: what the deployment is doing now, its share of new runs, the agent's health. */
export function rolloutLine(progress: RolloutProgress, p: Painter): string {
  const d = progress.deployment;
  const parts = [`deployment ${d.deploymentId.slice(0, 8)} version ${d.version}: ${p.paint('bold', d.status.replace('_', ' '))}`];
  if (d.status === 'canary') parts.push(`${progress.share ?? d.canaryPercent}% of new runs`);
  else if (progress.share !== undefined && d.status === 'active') parts.push(`${progress.share}% of new runs`);
  parts.push(`health ${healthText(progress.health, p)}`);
  if (d.windowEndsAt && (d.status === 'canary' || d.status === 'active')) parts.push(`window ends ${clock(d.windowEndsAt)}`);
  if (d.reason && (d.status === 'failed' || d.status === 'rolled_back')) parts.push(d.reason);
  return parts.join(', ');
}

export function diffView(diff: BlueprintDiff, p: Painter): string {
  if (diff.operations.length === 0) return `${diff.name}: no differences between ${diff.from} and ${diff.to}`;
  const lines = [`${diff.name}: ${diff.from} → ${diff.to}, ${diff.operations.length} change${diff.operations.length === 1 ? '' : 's'}`];
  for (const op of diff.operations) {
    if (op.op === 'add') lines.push(p.paint('green', `+ ${op.path}: ${cell(op.to)}`));
    else if (op.op === 'remove') lines.push(p.paint('red', `- ${op.path}: ${cell(op.from)}`));
    else lines.push(p.paint('yellow', `~ ${op.path}: ${cell(op.from)} → ${cell(op.to)}`));
  }
  return lines.join('\n');
}

export function runsTable(rows: RunList['items'], p: Painter): string {
  return renderTable(rows, [
    { header: 'RUN', value: (r) => r.runId },
    { header: 'AGENT', value: (r) => r.agent },
    { header: 'VERSION', value: (r) => r.version },
    { header: 'STATUS', value: (r) => runStatusText(r.status, p) },
    { header: 'ATTEMPTS', value: (r) => r.attempts },
    { header: 'CREATED', value: (r) => r.createdAt },
    { header: 'FINISHED', value: (r) => r.finishedAt },
    { header: 'ERROR', value: (r) => r.errorCode },
  ], p);
}

export function runStatusText(status: string, p: Painter): string {
  return p.paint(status === 'succeeded' ? 'green' : status === 'failed' || status === 'cancelled' ? 'red' : status === 'waiting' ? 'yellow' : 'reset', status);
}

export function runHistoryTable(history: RunHistory, p: Painter): string {
  return renderTable(history.items, [
    { header: 'SEQ', value: (e) => e.seq },
    { header: 'AT', value: (e) => e.at },
    { header: 'FROM', value: (e) => e.from },
    { header: 'TO', value: (e) => runStatusText(e.to, p) },
    { header: 'ATTEMPT', value: (e) => e.attempt },
    { header: 'REASON', value: (e) => e.reason },
    { header: 'CODE', value: (e) => e.code },
  ], p);
}

/** A transition of a run as a log line: `12:00:01 queued → running  reason`. */
export function transitionLine(data: Record<string, unknown>, p: Painter): string {
  const to = String(data['to'] ?? '?');
  const from = data['from'] ? `${String(data['from'])} → ` : '';
  const reason = data['reason'] ? `  ${String(data['reason'])}` : '';
  const code = data['code'] ? ` ${p.paint('red', String(data['code']))}` : '';
  return `${p.paint('dim', clock(typeof data['at'] === 'string' ? data['at'] : undefined))} ${from}${runStatusText(to, p)}${code}${reason}`;
}

/** The end of a followed run: its outcome, output or error. */
export function runOutcome(run: Run, p: Painter): string {
  const took = run.startedAt && run.finishedAt ? ` in ${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s` : '';
  const lines = [`run ${run.runId} ${runStatusText(run.status, p)}${took}`];
  if (run.status === 'succeeded') lines.push(`output: ${JSON.stringify(run.output)}`);
  if (run.error) lines.push(`error: ${run.error.code}: ${run.error.message}${run.error.path ? ` (at ${run.error.path})` : ''}`);
  if (run.usage) lines.push(`cost: ${usd(run.usage.costUsd)} (${run.usage.inputTokens} in / ${run.usage.outputTokens} out tokens, ${run.usage.model})`);
  return lines.join('\n');
}

export function runView(run: Run, p: Painter): string {
  return renderRecord([
    ['run', run.runId],
    ['agent', `${run.agent} v${run.version}`],
    ['status', runStatusText(run.status, p)],
    ['waiting for', run.waitingFor],
    ['error', run.error ? `${run.error.code}: ${run.error.message}` : null],
    ['created', run.createdAt],
    ['finished', run.finishedAt],
  ], p);
}

export function escalationsTable(rows: Escalation[], p: Painter): string {
  return renderTable(rows, [
    { header: 'ID', value: (e) => e.id },
    { header: 'AGENT', value: (e) => e.agent },
    { header: 'RUN', value: (e) => e.runId },
    { header: 'ACTION', value: (e) => (e.tool ? `${e.tool} ${cell(e.arguments)}` : e.kind) },
    { header: 'RISK', value: (e) => e.risk },
    { header: 'STATUS', value: (e) => e.status },
    { header: 'APPROVALS', value: (e) => `${e.approvals}/${e.quorum} (level ${e.level}/${e.levels})` },
    { header: 'REQUESTED BY', value: (e) => e.requestedBy },
    { header: 'DEADLINE', value: (e) => e.deadline },
    { header: 'REASON', value: (e) => e.reason },
  ], p);
}

export function escalationLine(e: Escalation): string {
  return `escalation ${e.id}: ${e.status} (${e.approvals}/${e.quorum} approvals, level ${e.level}/${e.levels})`;
}

export function usageTable(u: Usage, p: Painter): string {
  const rows = [...u.rows, { ...u.total, key: 'TOTAL' }];
  return renderTable(rows, [
    { header: u.groupBy.toUpperCase(), value: (r) => r.key },
    { header: 'CALLS', value: (r) => r.calls },
    { header: 'INPUT TOKENS', value: (r) => r.inputTokens },
    { header: 'OUTPUT TOKENS', value: (r) => r.outputTokens },
    { header: 'CACHED', value: (r) => r.cachedInputTokens },
    { header: 'COST', value: (r) => usd(r.costUsd) },
  ], p) + `\n${u.from} … ${u.to}`;
}

export function deadLettersTable(rows: DeadLetter[], p: Painter): string {
  return renderTable(rows, [
    { header: 'ID', value: (d) => d.id },
    { header: 'RUN', value: (d) => d.runId },
    { header: 'AGENT', value: (d) => d.agent },
    { header: 'STATUS', value: (d) => d.status },
    { header: 'CODE', value: (d) => d.code },
    { header: 'DELIVERIES', value: (d) => d.deliveries },
    { header: 'CREATED', value: (d) => d.createdAt },
    { header: 'REASON', value: (d) => d.reason },
  ], p);
}

import type { AgentStatsReply, AgentView, BlueprintSummary, Deployment, ListBlueprintsReply } from '@af/contracts';
import type { AppError } from '@af/errors';
import type { AgentFacts, AgentPart } from './agent-lookups.js';

/** When a deployment reached its status: its last transition there, else its creation (agent views carry no transitions). */
function since(d: Deployment): string {
  return d.transitions.findLast((t) => t.toStatus === d.status)?.at || d.createdAt;
}

/** What is live for an agent (af.v1.deployments.agent.get), summed up for a list. */
export function liveView(v: AgentView | undefined) {
  return {
    health: v?.health || 'unknown',
    active: v?.active ? { deploymentId: v.active.deploymentId, version: v.active.version, since: since(v.active) } : null,
    canary: v?.canary ? { deploymentId: v.canary.deploymentId, version: v.canary.version, percent: v.canary.canaryPercent, since: since(v.canary) } : null,
    inFlightRuns: (v?.versions ?? []).reduce((sum, x) => sum + Number(x.inFlightRuns), 0),
  };
}

/**
 * The agent's recent outcomes over every version in the health service's window
 * (af.v1.health.agents.stats): failure rate = failed / (succeeded + failed); p95 = the highest of
 * the versions' p95 (an upper bound of the agent's: each version has at most 5% of its runs above it).
 */
export function recentView(r: AgentStatsReply) {
  let runs = 0;
  let succeeded = 0;
  let failed = 0;
  let p95Ms = 0;
  for (const v of r.versions) {
    runs += Number(v.runs);
    succeeded += Number(v.succeeded);
    failed += Number(v.failed);
    if (Number(v.runs) > 0) p95Ms = Math.max(p95Ms, v.p95Ms);
  }
  return { windowMs: Number(r.windowMs), runs, failed, failureRate: succeeded + failed > 0 ? failed / (succeeded + failed) : 0, p95Ms };
}

const note = (part: AgentPart, error: AppError) => ({ part, code: error.code, message: error.message });

export function agentListItemView(b: BlueprintSummary, facts: AgentFacts<AgentView | undefined, AgentStatsReply>) {
  const unavailable: ReturnType<typeof note>[] = [];
  if (!facts.deployment.ok) unavailable.push(note('deployment', facts.deployment.error));
  if (!facts.health.ok) unavailable.push(note('health', facts.health.error));
  return {
    name: b.name,
    latestVersion: b.latestVersion,
    description: b.description,
    labels: b.labels,
    valid: b.valid,
    updatedAt: b.updatedAt,
    deployment: facts.deployment.ok ? liveView(facts.deployment.value) : null,
    recent: facts.health.ok ? recentView(facts.health.value) : null,
    unavailable,
  };
}

/** GET /v1/agents: the page of blueprints, each with what is live and its recent health. */
export function agentListView(page: ListBlueprintsReply, facts: readonly AgentFacts<AgentView | undefined, AgentStatsReply>[]) {
  return { items: page.items.map((b, i) => agentListItemView(b, facts[i]!)), nextCursor: page.nextCursor || null };
}

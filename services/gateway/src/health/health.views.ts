import type { AgentStatsReply, AgentView, HealthOverviewReply } from '@af/contracts';
import { deploymentView } from '../http/views.js';

const isoOrNull = (ms: bigint): string | null => (ms > 0n ? new Date(Number(ms)).toISOString() : null);

/** af.v1.health.agents.stats: recent outcomes of an agent per version (the health service's window). */
export function agentStatsView(r: AgentStatsReply) {
  return {
    agent: r.agent,
    windowMs: Number(r.windowMs),
    versions: r.versions.map((v) => ({
      version: v.version,
      runs: Number(v.runs),
      succeeded: Number(v.succeeded),
      failed: Number(v.failed),
      failureRate: v.failureRate,
      p50Ms: v.p50Ms,
      p95Ms: v.p95Ms,
      lastFinishedAt: isoOrNull(v.lastFinishedMs),
      probe: v.probe || null,
    })),
  };
}

/** af.v1.health.overview: services (as /v1/mesh/health), workers and the tenant's agents. */
export function healthOverviewView(r: HealthOverviewReply) {
  return {
    status: r.status,
    services: r.services.map((s) => ({ service: s.service, state: s.state, instances: s.instances, lastSeenMs: Number(s.lastSeenMs), checks: s.checks })),
    workers: r.workers.map((w) => ({ workerId: w.workerId, state: w.state, lastSeenMs: Number(w.lastSeenMs), inFlight: w.inFlight, slots: w.slots })),
    agents: r.agents.map((a) => ({ agent: a.agent, version: a.version, state: a.state, runs: Number(a.runs), failureRate: a.failureRate, p95Ms: a.p95Ms, reason: a.reason || null })),
  };
}

/** af.v1.deployments.agent.get: what is live for an agent, per version. */
export function agentView(v: AgentView | undefined) {
  if (!v) return {};
  return {
    agent: v.agent,
    health: v.health || 'unknown',
    active: v.active ? deploymentView(v.active) : null,
    canary: v.canary ? deploymentView(v.canary) : null,
    versions: v.versions.map((x) => ({
      version: x.version,
      artifactHash: x.artifactHash,
      role: x.role,
      percent: x.percent,
      inFlightRuns: Number(x.inFlightRuns),
      runs: Number(x.runs),
      failed: Number(x.failed),
      failureRate: x.failureRate,
      p95Ms: x.p95Ms,
      deploymentId: x.deploymentId || null,
    })),
  };
}

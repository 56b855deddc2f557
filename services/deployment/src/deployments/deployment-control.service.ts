import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AgentUnhealthy, AgentViewReplySchema, AgentVersionViewSchema, DeploymentReplySchema, GetAgentRequest, PromoteDeploymentRequest, RollbackDeploymentRequest, TenantId, VersionStats } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { DNS_LABEL } from '@af/blueprint-format';
import type { DeploymentEntity } from '../persistence/deployment.entity.js';
import { DeploymentRepository } from './deployment.repository.js';
import { crossed } from './deployment-settings.js';
import { DeploymentSwitchboard, toDeploymentMessage } from './deployment-switchboard.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_REASON = 1_000;
const SYSTEM = 'system';
/** Tolerated difference between the health service's clock (an event's at_ms) and PostgreSQL's. */
const CLOCK_SKEW_MS = 2_000;

type Reply = MessageInitShape<typeof DeploymentReplySchema>;

/**
 * After the switch: promotion (manual, or at the end of a canary's window within thresholds),
 * rollback (manual, automatic on the health figures during the window, or on the health
 * monitor's unhealthy event), and the agent view. Every change is a recorded transition (under
 * the agent's lock, compare-and-set on the status: two instances never both act), followed by
 * one compare-and-set write of the KV registry entry. Runs already on a rolled back version
 * finish there (they are pinned to their artifact).
 */
@Injectable()
export class DeploymentControlService {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly switchboard: DeploymentSwitchboard,
    private readonly bus: MessageBus,
    private readonly audit: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** af.v1.deployments.promote: a canary becomes the active deployment now (or an active one's window is closed). */
  async promote(tenantId: TenantId, request: PromoteDeploymentRequest): Promise<Reply> {
    const found = await this.owned(tenantId, request.agent, request.deploymentId);
    const actor = request.caller?.subject || 'unknown';
    const promoted = await this.deployments.promote(tenantId, found.id, { actor, reason: 'promoted manually' });
    if (!promoted) throw new AppError(ErrorCode.PreconditionFailed, `deployment ${found.id} is ${found.status}${found.windowClosed ? ' (window closed)' : ''}: only a canary, or an active deployment within its window, can be promoted`, { path: '/deploymentId' });
    await this.switchboard.register(tenantId, found.agent);
    await this.switchboard.announce(promoted.changes);
    await this.audit.record({ action: 'deployment.promoted', actor, resourceType: 'deployment', resourceId: found.id, outcome: 'success', details: { agent: found.agent, version: found.version }, eventId: `deployment.promoted:${found.id}`, tenantId });
    return { deployment: toDeploymentMessage(promoted.deployment), created: false };
  }

  /**
   * af.v1.deployments.rollback: to_version 0 → the canary is rolled back if there is one, else the
   * active deployment and the one it replaced is reinstated; to_version N → the canary and the
   * active deployment are rolled back and the latest superseded deployment of N reinstated.
   */
  async rollback(tenantId: TenantId, request: RollbackDeploymentRequest): Promise<Reply> {
    if (!DNS_LABEL.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (!Number.isInteger(request.toVersion) || request.toVersion < 0) throw AppError.invalid('toVersion must be 0 (the previous version) or a positive integer', '/toVersion');
    if (request.reason.length > MAX_REASON) throw AppError.invalid(`reason must be at most ${MAX_REASON} characters`, '/reason');
    const actor = request.caller?.subject || 'unknown';
    const reason = request.reason || 'rolled back manually';
    const active = await this.deployments.findActive(tenantId, request.agent);
    const canary = await this.deployments.findCanary(tenantId, request.agent);
    if (!active && !canary) throw new AppError(ErrorCode.NotDeployed, `agent "${request.agent}" has no active deployment`, { path: '/agent' });

    let target: DeploymentEntity | null = null;
    if (request.toVersion > 0 && request.toVersion !== active?.version) {
      target = await this.deployments.findReinstatable(tenantId, request.agent, request.toVersion);
      if (!target) throw new AppError(ErrorCode.NotFound, `version ${request.toVersion} of "${request.agent}" was never active before: deploy it instead`, { path: '/toVersion' });
    }
    const rollCanaryOnly = canary && (request.toVersion === 0 || request.toVersion === active?.version);
    if (!rollCanaryOnly && active && !target && !active.previousDeploymentId) {
      throw new AppError(ErrorCode.PreconditionFailed, `deployment ${active.id} has no previous deployment to return to`, { path: '/toVersion' });
    }
    const details = { toVersion: request.toVersion, manual: true };
    let result: DeploymentEntity | null = null;
    if (canary) result = await this.rollBack(tenantId, canary, { actor, reason, details }, 'manual');
    if (!rollCanaryOnly && active) result = (await this.rollBack(tenantId, active, { actor, reason, details }, 'manual', target?.id)) ?? result;
    const answer = result ?? (await this.deployments.find(tenantId, (canary ?? active)!.id));
    return { deployment: toDeploymentMessage(answer!), created: false };
  }

  /**
   * Rolls one deployment back (idempotent: null when it already left canary/active), writes the
   * registry, announces the transitions and audits it. `why` labels the metric.
   */
  async rollBack(tenantId: TenantId, d: DeploymentEntity, note: { actor: string; reason: string; details: Record<string, unknown> }, why: string, reinstate?: string): Promise<DeploymentEntity | null> {
    const done = await this.deployments.rollback(tenantId, d.id, note, reinstate);
    if (!done) return null;
    await this.switchboard.register(tenantId, d.agent);
    await this.switchboard.announce(done.changes);
    this.switchboard.rollbacks.inc({ reason: why });
    await this.audit.record({
      action: 'deployment.rolled_back',
      actor: note.actor,
      resourceType: 'deployment',
      resourceId: d.id,
      outcome: 'success',
      details: { agent: d.agent, version: d.version, reason: note.reason, reinstated: done.reinstated?.id ?? null, reinstatedVersion: done.reinstated?.version ?? null, ...note.details },
      eventId: `deployment.rolled_back:${d.id}`,
      tenantId,
    });
    this.logger.warn({ deploymentId: d.id, agent: d.agent, version: d.version, reason: note.reason, reinstated: done.reinstated?.id }, 'deployment rolled back');
    return done.deployment;
  }

  /**
   * One watched deployment (the watch loop): its version's outcomes since it started serving;
   * over the thresholds → rolled back automatically; window over within them → a canary is
   * promoted, an immediate deployment's window closed. Health service away: wait for the next pass.
   */
  async judge(tenantId: TenantId, d: DeploymentEntity): Promise<'rolled_back' | 'promoted' | 'closed' | 'watching' | 'unknown'> {
    const stats = await this.statsOf(tenantId, d.agent, d.statusChangedAt.getTime(), [d.version]);
    if (stats === null) return 'unknown';
    const figures = stats.find((s) => s.version === d.version);
    const verdict = figures ? crossed({ runs: Number(figures.runs), failureRate: figures.failureRate, p95Ms: figures.p95Ms, probe: figures.probe }, d.thresholds) : null;
    if (verdict && figures) {
      const details = { runs: Number(figures.runs), failed: Number(figures.failed), failureRate: figures.failureRate, p95Ms: figures.p95Ms, probe: figures.probe, thresholds: d.thresholds, automatic: true };
      return (await this.rollBack(tenantId, d, { actor: SYSTEM, reason: `automatic rollback: ${verdict.message}`, details }, verdict.reason)) ? 'rolled_back' : 'watching';
    }
    if (d.windowEndsAt && d.windowEndsAt.getTime() <= Date.now()) {
      const details = figures ? { runs: Number(figures.runs), failed: Number(figures.failed), failureRate: figures.failureRate, p95Ms: figures.p95Ms } : { runs: 0 };
      const promoted = await this.deployments.promote(tenantId, d.id, { actor: SYSTEM, reason: d.status === 'canary' ? 'window ended within thresholds: promoted' : 'window ended within thresholds', details });
      if (!promoted) return 'watching';
      await this.switchboard.register(tenantId, d.agent);
      await this.switchboard.announce(promoted.changes);
      return d.status === 'canary' ? 'promoted' : 'closed';
    }
    return 'watching';
  }

  /**
   * af.v1.health.event.unhealthy: the version's canary or active deployment is rolled back if the
   * verdict falls within its watch window; anything else is left alone (logged). The health
   * monitor judges (agent, version) from run outcomes, which carry no artifact hash: the event's
   * artifact_hash is empty and the deployment is the one serving that version now; a non-empty
   * hash must match it. The verdict's time (at_ms) must fall between the deployment's start of
   * serving and the end of its window (± {@link CLOCK_SKEW_MS}): a late or redelivered event about
   * an earlier deployment of the same version, or one judged after the window, changes nothing.
   * Idempotent: the rollback is a compare-and-set (a second delivery finds it rolled back).
   */
  async onUnhealthy(tenantId: TenantId, event: AgentUnhealthy): Promise<void> {
    if (!DNS_LABEL.test(event.agent) || !Number.isInteger(event.version) || event.version <= 0) return;
    const [canary, active] = await Promise.all([this.deployments.findCanary(tenantId, event.agent), this.deployments.findActive(tenantId, event.agent)]);
    const d = [canary, active].find((c): c is DeploymentEntity => c !== null && c.version === event.version && (!event.artifactHash || c.artifactHash === event.artifactHash));
    const atMs = Number(event.atMs);
    const ignore = (why: string) => this.logger.info({ agent: event.agent, version: event.version, deploymentId: d?.id, atMs, why }, 'unhealthy event ignored');
    if (!d) return ignore('no canary or active deployment of that version (and artifact)');
    if (!d.windowEndsAt || d.windowClosed) return ignore('its watch window is over');
    if (atMs > 0 && (atMs < d.statusChangedAt.getTime() - CLOCK_SKEW_MS || atMs > d.windowEndsAt.getTime() + CLOCK_SKEW_MS)) return ignore('judged outside the deployment\'s watch window');
    const details = { runs: Number(event.runs), failureRate: event.failureRate, p95Ms: event.p95Ms, healthReason: event.reason, atMs, automatic: true };
    await this.rollBack(tenantId, d, { actor: SYSTEM, reason: `health monitor: ${event.reason || 'unhealthy'}`, details }, 'unhealthy');
  }

  /** af.v1.deployments.agent.get: what serves, per version (the orchestrator's and the health service's figures, 0 when away). */
  async agentView(tenantId: TenantId, request: GetAgentRequest): Promise<MessageInitShape<typeof AgentViewReplySchema>> {
    if (!DNS_LABEL.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    const [active, canary] = await Promise.all([this.deployments.findActive(tenantId, request.agent), this.deployments.findCanary(tenantId, request.agent)]);
    const [inflight, stats] = await Promise.all([
      this.bus.request('af.v1.runs.versions.inflight', { agent: request.agent }, { tenantId }).then((r) => r.items, () => null),
      this.statsOf(tenantId, request.agent, 0, []),
    ]);
    const views = new Map<number, MessageInitShape<typeof AgentVersionViewSchema> & { version: number }>();
    const view = (version: number) => {
      let v = views.get(version);
      if (!v) views.set(version, (v = { version, role: 'retired', percent: 0, inFlightRuns: 0n, runs: 0n, failed: 0n, failureRate: 0, p95Ms: 0 }));
      return v;
    };
    if (active) Object.assign(view(active.version), { role: 'active', percent: 100 - (canary?.canaryPercent ?? 0), artifactHash: active.artifactHash, deploymentId: active.id });
    if (canary) Object.assign(view(canary.version), { role: 'canary', percent: canary.canaryPercent, artifactHash: canary.artifactHash, deploymentId: canary.id });
    for (const item of inflight ?? []) {
      const v = view(item.version);
      v.inFlightRuns = BigInt(item.inFlight);
      if (!v.artifactHash) v.artifactHash = item.artifactHash;
      if (v.role === 'retired' && item.inFlight > 0n) v.role = 'draining';
    }
    for (const s of stats ?? []) Object.assign(view(s.version), { runs: s.runs, failed: s.failed, failureRate: s.failureRate, p95Ms: s.p95Ms });
    const serving = [active, canary].filter((d): d is DeploymentEntity => d !== null);
    return {
      agent: {
        agent: request.agent,
        ...(active ? { active: toDeploymentMessage(active) } : {}),
        ...(canary ? { canary: toDeploymentMessage(canary) } : {}),
        versions: [...views.values()].sort((a, b) => b.version - a.version),
        health: stats === null ? 'unknown' : healthOf(serving, stats),
      },
    };
  }

  /** The health service's figures, or null when it does not answer (never an error here). */
  private async statsOf(tenantId: TenantId, agent: string, sinceMs: number, versions: number[]): Promise<VersionStats[] | null> {
    try {
      return (await this.bus.request('af.v1.health.agents.stats', { agent, sinceMs: BigInt(sinceMs), versions }, { tenantId })).versions;
    } catch (error) {
      this.logger.debug?.({ err: error, agent }, 'health stats unavailable');
      return null;
    }
  }

  private async owned(tenantId: TenantId, agent: string, id: string): Promise<DeploymentEntity> {
    if (!UUID.test(id)) throw AppError.notFound(`deployment ${id}`, '/deploymentId');
    const found = await this.deployments.find(tenantId, id);
    if (!found || (agent && found.agent !== agent)) throw AppError.notFound(`deployment ${id}`, '/deploymentId');
    return found;
  }
}

/**
 * The agent's health from its serving versions' recent outcomes against their thresholds:
 * unhealthy (crossed with enough runs, or a failed probe), degraded (some failures, or crossed on
 * too few runs to judge), healthy, unknown (no recent runs).
 */
export function healthOf(serving: readonly DeploymentEntity[], stats: readonly VersionStats[]): 'healthy' | 'degraded' | 'unhealthy' | 'unknown' {
  let health: 'healthy' | 'degraded' | 'unhealthy' | 'unknown' = 'unknown';
  for (const d of serving) {
    const s = stats.find((x) => x.version === d.version);
    if (!s || s.runs === 0n) continue;
    const figures = { runs: Number(s.runs), failureRate: s.failureRate, p95Ms: s.p95Ms, probe: s.probe };
    if (crossed(figures, d.thresholds)) return 'unhealthy';
    const early = crossed(figures, { ...d.thresholds, minRuns: 0 });
    health = early || s.failed > 0n ? 'degraded' : health === 'degraded' ? 'degraded' : 'healthy';
  }
  return health;
}

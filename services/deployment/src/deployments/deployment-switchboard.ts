import { Inject, Injectable } from '@nestjs/common';
import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { EvalReportSchema, type DeploymentSchema, type DeploymentTransitionSchema, type TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import type { DeploymentEntity } from '../persistence/deployment.entity.js';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { DeploymentRepository, type Change, type TransitionRecord } from './deployment.repository.js';
import { INTERRUPTED_REASON_PREFIX } from './deployment-lifecycle.js';

/** Compare-and-set rounds on the registry entry (each lost only to another deployment's write). */
const REGISTER_ATTEMPTS = 20;

type DeploymentMessage = MessageInitShape<typeof DeploymentSchema>;

/**
 * What every lifecycle operation shares: bringing the KV registry in line with PostgreSQL (one
 * compare-and-set write of the agent's entry: active version + canary), announcing recorded
 * transitions (af.v1.deployments.event.changed, msgId `deployment-changed:<id>:<seq>`, marked
 * published afterwards — the transitions table is the outbox, {@link DeploymentWatch} republishes
 * what a crash left unpublished), and the lifecycle metrics.
 */
@Injectable()
export class DeploymentSwitchboard {
  readonly deploys: Counter<'outcome'>;
  readonly rollbacks: Counter<'reason'>;
  readonly evalCases: Counter<'outcome'>;
  readonly swapSeconds: Histogram;

  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly registry: ActiveDeploymentRepository,
    private readonly bus: MessageBus,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deploys = metrics.counter('af_deployments_total', 'Deployment requests, by outcome (activated | canary | unchanged | refused | approval_required | failed | forced | interrupted)', ['outcome']);
    this.rollbacks = metrics.counter('af_deployment_rollbacks_total', 'Rollbacks, by reason (failure_rate | p95 | probe | unhealthy | manual)', ['reason']);
    this.evalCases = metrics.counter('af_deployment_eval_cases_total', 'Eval cases run by the eval gate, on demand and for drafts, by outcome (passed | failed)', ['outcome']);
    this.swapSeconds = metrics.histogram('af_deployment_swap_seconds', 'Warm reply plus registry switch time of a deployment', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  /** Counts an eval report's cases (the gate, on demand, drafts) in af_deployment_eval_cases_total. */
  countEvalCases(report: { cases: readonly { passed: boolean }[] }): void {
    const failed = report.cases.filter((c) => !c.passed).length;
    if (report.cases.length - failed > 0) this.evalCases.inc({ outcome: 'passed' }, report.cases.length - failed);
    if (failed > 0) this.evalCases.inc({ outcome: 'failed' }, failed);
  }

  /**
   * Brings the agent's KV registry entry in line with PostgreSQL, outside any transaction: read the
   * entry (and its revision), then the database (active + canary), then compare-and-set; a
   * concurrent writer makes the set fail and the loop read both again. So whatever order
   * concurrent operations finish in, the last write is the database's latest state. Nothing
   * active: the entry is removed when it names a deployment that is no longer active (a rollback
   * of a first deployment), and left alone otherwise (deactivation removes its own). Returns the
   * time the successful write took (ms).
   */
  async register(tenantId: TenantId, agent: string): Promise<number> {
    const started = performance.now();
    for (let attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
      const { revision, active } = await this.registry.entry(tenantId, agent);
      const current = await this.deployments.findActive(tenantId, agent);
      const canary = await this.deployments.findCanary(tenantId, agent);
      if (!current) {
        if (active) {
          const named = await this.deployments.find(tenantId, active.deploymentId);
          if (named && named.status === 'rolled_back') await this.registry.remove(tenantId, agent);
        }
        return performance.now() - started;
      }
      const canaryId = active?.canary?.deploymentId ?? '';
      if (active?.deploymentId === current.id && active.artifactHash === current.artifactHash && canaryId === (canary?.id ?? '')) return performance.now() - started;
      const entry = {
        deploymentId: current.id,
        agent: current.agent,
        version: current.version,
        artifactHash: current.artifactHash,
        activatedAtMs: BigInt(current.createdAt.getTime()),
        ...(canary ? { canary: { deploymentId: canary.id, version: canary.version, artifactHash: canary.artifactHash, percent: canary.canaryPercent } } : {}),
      };
      if (await this.registry.replace(tenantId, entry, revision)) return performance.now() - started;
    }
    throw new AppError(ErrorCode.Unavailable, `the registry entry of "${agent}" kept changing while it was written; retry shortly`, { path: '/agent' });
  }

  /**
   * Fails deployment `id` as interrupted when it has been pending or warming for more than
   * `boundMs` (its deploying process stopped: nothing else would ever move it, and a deploy of the
   * same version would wait for it): a transition to `failed` by `system`, reason
   * "interrupted: …", announced. Compare-and-set on status and age, so a deploy still within its
   * bounds is left alone and concurrent sweepers act once. The failed deployment, or null.
   */
  async interrupt(tenantId: TenantId, id: string, boundMs: number): Promise<DeploymentEntity | null> {
    const done = await this.deployments.interruptIfStuck(tenantId, id, boundMs, (status, stuckMs) => {
      const reason = `${INTERRUPTED_REASON_PREFIX}${status} for ${Math.round(stuckMs / 1000)} s without progress (bound ${boundMs} ms): the process deploying it stopped; deploy the version again`;
      return { actor: 'system', reason, details: { interrupted: true, status, stuckMs, boundMs }, patch: { reason } };
    });
    if (!done) return null;
    await this.announce(done.changes);
    this.deploys.inc({ outcome: 'interrupted' });
    this.logger.warn({ deploymentId: id, agent: done.deployment.agent, version: done.deployment.version, reason: done.deployment.reason }, 'deployment interrupted');
    return done.deployment;
  }

  /** Publishes each recorded transition (deduplicated by msgId) and marks it published; a failure is left to the relay. */
  async announce(changes: readonly Change[]): Promise<void> {
    for (const change of changes) {
      try {
        await this.announceOne(change);
      } catch (error) {
        this.logger.warn({ err: error, deploymentId: change.deploymentId, seq: change.seq }, 'deployment transition not announced yet (the relay retries)');
      }
    }
  }

  async announceOne(change: Change): Promise<void> {
    const tenantId = change.tenantId as TenantId;
    const [deployment, transition] = await Promise.all([this.deployments.find(tenantId, change.deploymentId), this.deployments.transition(tenantId, change.deploymentId, change.seq)]);
    if (!deployment || !transition) return;
    await this.bus.publish(
      'af.v1.deployments.event.changed',
      { deployment: toDeploymentMessage(deployment), transition: toTransitionMessage(transition) },
      { msgId: `deployment-changed:${change.deploymentId}:${change.seq}`, tenantId },
    );
    if (transition.to === 'active' && transition.from !== 'active') {
      await this.bus.publish('af.v1.deployments.event.activated', { deployment: toDeploymentMessage(deployment) }, { msgId: transition.from === 'superseded' ? `deployment-activated:${deployment.id}:${change.seq}` : `deployment-activated:${deployment.id}`, tenantId });
    }
    await this.deployments.markPublished(tenantId, change.deploymentId, change.seq);
  }
}

export function toTransitionMessage(t: TransitionRecord): MessageInitShape<typeof DeploymentTransitionSchema> {
  return { fromStatus: t.from ?? '', toStatus: t.to, at: t.at.toISOString(), actor: t.actor, reason: t.reason, detailsJson: JSON.stringify(t.details) };
}

export function toDeploymentMessage(d: DeploymentEntity, transitions: readonly TransitionRecord[] = []): DeploymentMessage {
  return {
    deploymentId: d.id,
    agent: d.agent,
    version: d.version,
    artifactHash: d.artifactHash,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    createdBy: d.createdBy,
    supersededAt: d.supersededAt ? d.supersededAt.toISOString() : '',
    strategy: d.strategy,
    canaryPercent: d.canaryPercent,
    windowSeconds: d.windowSeconds,
    thresholds: { maxFailureRate: d.thresholds.maxFailureRate ?? 0, maxP95Ms: d.thresholds.maxP95Ms ?? 0, minRuns: d.thresholds.minRuns ?? 0 },
    previousDeploymentId: d.previousDeploymentId ?? '',
    reason: d.reason ?? '',
    ...(d.evalReport ? { evalReport: fromJson(EvalReportSchema, d.evalReport as JsonValue, { ignoreUnknownFields: true }) } : {}),
    windowEndsAt: d.windowEndsAt ? d.windowEndsAt.toISOString() : '',
    transitions: transitions.map(toTransitionMessage),
    forced: d.forced,
    swapMs: d.swapMs,
  };
}

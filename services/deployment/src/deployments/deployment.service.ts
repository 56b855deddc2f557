import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { toJson, type MessageInitShape } from '@bufbuild/protobuf';
import {
  EvalReportSchema,
  ValidationReportSchema,
  type CreateDeploymentRequest,
  type DeploymentReplySchema,
  type EvalReport,
  type EvalReportReplySchema,
  type GetDeploymentRequest,
  type ListDeploymentsReplySchema,
  type ListDeploymentsRequest,
  type RunEvalsRequest,
  type TenantId,
} from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import type { DeploymentEntity } from '../persistence/deployment.entity.js';
import { DeploymentRepository, AGENT_LOCK_TIMEOUT_MS } from './deployment.repository.js';
import { DeploymentApprovals, mayDeployRealWorld, REAL_WORLD_VALIDATION_FINDING, type DeploymentGrant } from './deployment-approvals.js';
import { INTERRUPTED_REASON_PREFIX, IN_PROGRESS_STATUSES, type DeploymentStatus } from './deployment-lifecycle.js';
import { DEPLOYMENT_OPTIONS, type DeploymentOptions } from './deployment.options.js';
import { blueprintEvalCount, describeSettings, resolveSettings, stuckAfterMs, validateRequestedSettings } from './deployment-settings.js';
import { DeploymentSwitchboard, toDeploymentMessage } from './deployment-switchboard.js';
import { DNS_LABEL } from '@af/blueprint-format';

export { toDeploymentMessage } from './deployment-switchboard.js';

const AGENT_NAME = DNS_LABEL;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 100;
/** How often a request waiting for a concurrent deployment of the same version looks again. */
const WAIT_POLL_MS = 100;
/** How many times a deploy that waited for an interrupted one of the same version starts again (each wait is bounded). */
const MAX_RETAKES = 2;

/** What a deploy is asked (create, or an approved escalation on its requester's behalf). */
export type DeployRequest = Pick<CreateDeploymentRequest, 'agent' | 'version' | 'caller'> & Partial<Pick<CreateDeploymentRequest, 'strategy' | 'canaryPercent' | 'windowSeconds' | 'thresholds' | 'force'>>;

@Injectable()
export class DeploymentService {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly switchboard: DeploymentSwitchboard,
    private readonly bus: MessageBus,
    private readonly approvals: DeploymentApprovals,
    private readonly audit: AuditTrail,
    @Inject(DEPLOYMENT_OPTIONS) private readonly options: DeploymentOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Deploys a blueprint version: fetch it, refuse it unless it validated, compile it (all remote,
   * holding nothing), record it pending, warm it (a live worker must fetch it, create its
   * isolates and compile its schemas — none answers: failed), run its evals (failing: failed with
   * the failing cases, unless an Administrator forces it), then switch: one compare-and-set of
   * the KV registry entry — immediate: it becomes the active version (the previous one
   * superseded); canary: it takes `canary_percent` of new runs during its window. Every step is
   * a recorded transition announced on af.v1.deployments.event.changed.
   *
   * Re-deploying the version and artifact that already serve is a no-op that succeeds (`created:
   * false`); a concurrent deploy of a version being prepared waits for it and is answered with
   * it. So concurrent deploys of one version make exactly one record. The registry entry is
   * written again, which also repairs an attempt that failed after its database commit.
   *
   * A realWorld agent deployed by a caller without ApproveRealWorld is not deployed: an escalation
   * asks an Administrator (403 APPROVAL_REQUIRED with its id); its approval deploys later on the
   * caller's behalf. `approved_escalation_id` is set only by that approval, never over NATS.
   */
  async create(tenantId: TenantId, request: CreateDeploymentRequest): Promise<MessageInitShape<typeof DeploymentReplySchema>> {
    if (request.approvedEscalationId) {
      throw AppError.invalid('approvedEscalationId is set only when an approved deployment escalation deploys (af.v1.escalations.event.decided)', '/approvedEscalationId');
    }
    return this.deploy(tenantId, request, null);
  }

  /** {@link create}, or with `grant` the deployment an approved escalation allows (on the requester's behalf). */
  async deploy(tenantId: TenantId, request: DeployRequest, grant: DeploymentGrant | null): Promise<MessageInitShape<typeof DeploymentReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (!Number.isInteger(request.version) || request.version < 0) throw AppError.invalid('version must be 0 (latest) or a positive integer', '/version');
    const requested = validateRequestedSettings(request);
    if (request.force && !mayDeployRealWorld(request.caller)) {
      this.switchboard.deploys.inc({ outcome: 'refused' });
      throw new AppError(ErrorCode.PermissionDenied, 'force (deploying although evals fail) needs the ApproveRealWorld permission (Administrator)', { path: '/force' });
    }

    const blueprint = await this.fetchBlueprint(tenantId, request.agent, request.version);
    if (blueprint.archivedAt) {
      this.switchboard.deploys.inc({ outcome: 'refused' });
      throw new AppError(ErrorCode.Conflict, `blueprint ${blueprint.name} is archived (since ${blueprint.archivedAt}); restore it with a new version before deploying`, { path: '/agent' });
    }
    // Valid when saved is not enough: the policy tier depends on who deploys (cached by content + caller).
    const { report } = await this.bus.request('af.v1.validation.validate', { documentJson: blueprint.documentJson, ...(request.caller ? { caller: request.caller } : {}) }, { tenantId });
    // "realWorld needs an Administrator" is answered by ApproveRealWorld or an approval (below), not refused here.
    const realWorldFinding = report?.errors.some((e) => e.tier === 'policy' && e.code === REAL_WORLD_VALIDATION_FINDING) ?? false;
    const blocking = report ? report.errors.filter((e) => !(e.tier === 'policy' && e.code === REAL_WORLD_VALIDATION_FINDING)) : [];
    if (!report || (!report.valid && (blocking.length > 0 || !realWorldFinding))) {
      this.switchboard.deploys.inc({ outcome: 'refused' });
      throw new AppError(ErrorCode.ValidationFailed, `blueprint ${blueprint.name} version ${blueprint.version} is not valid for this caller and cannot be deployed`, {
        path: '/version',
        details: report ? toJson(ValidationReportSchema, report, { alwaysEmitImplicit: true }) : { valid: false, errors: [], warnings: [], suggestions: [] },
      });
    }
    const compiled = await this.bus.request(
      'af.v1.compilation.compile',
      { blueprintName: blueprint.name, blueprintVersion: blueprint.version, contentHash: blueprint.contentHash, documentJson: blueprint.documentJson },
      { tenantId },
    );
    if (!compiled.artifactHash) throw new AppError(ErrorCode.Unavailable, `compilation of ${blueprint.name} version ${blueprint.version} returned no artifact`);
    if (!grant && !mayDeployRealWorld(request.caller) && (realWorldFinding || (await this.approvals.isRealWorld(tenantId, compiled.artifactHash)))) {
      this.switchboard.deploys.inc({ outcome: 'approval_required' });
      // Throws APPROVAL_REQUIRED (pending) or APPROVAL_REJECTED; an earlier approval lets it through.
      grant = await this.approvals.request(tenantId, { agent: request.agent, version: blueprint.version, artifactHash: compiled.artifactHash, caller: request.caller });
    }
    if (grant && (grant.version !== blueprint.version || grant.artifactHash !== compiled.artifactHash)) {
      this.switchboard.deploys.inc({ outcome: 'refused' });
      throw new AppError(ErrorCode.Conflict, `escalation ${grant.escalationId} approved version ${grant.version} (artifact ${grant.artifactHash}), not version ${blueprint.version} (artifact ${compiled.artifactHash})`, { path: '/version' });
    }

    const settings = resolveSettings(requested, blueprint.documentJson, this.options);
    const actor = request.caller?.subject || 'unknown';
    // The slow remote work so far is done; one short transaction decides (no NATS call inside it).
    const fresh = {
      id: randomUUID(),
      agent: request.agent,
      version: blueprint.version,
      contentHash: blueprint.contentHash,
      artifactHash: compiled.artifactHash,
      createdBy: actor,
      ...settings,
      reason: `deploy version ${blueprint.version} (${describeSettings(settings)})`,
      ...(grant ? { approvedEscalationId: grant.escalationId } : {}),
    };
    let begun = await this.deployments.begin(tenantId, fresh);
    // A deployment of the same version being prepared is waited for; one whose deploying process
    // stopped is failed as interrupted meanwhile (waitForSettled), and then this request deploys it.
    let settled: DeploymentEntity | null = null;
    for (let retake = 0; begun.kind === 'in_progress'; retake++) {
      settled = await this.waitForSettled(tenantId, begun.deployment);
      if (retake >= MAX_RETAKES || !(settled.status === 'failed' && settled.reason?.startsWith(INTERRUPTED_REASON_PREFIX))) break;
      this.logger.info({ interrupted: settled.id, agent: request.agent, version: blueprint.version }, 'the deployment this request waited for was interrupted: deploying again');
      begun = await this.deployments.begin(tenantId, fresh);
    }
    if (begun.kind === 'unchanged') {
      await this.switchboard.register(tenantId, request.agent);
      this.switchboard.deploys.inc({ outcome: 'unchanged' });
      this.logger.info({ deploymentId: begun.deployment.id, agent: request.agent, version: blueprint.version }, 'deployment already serving');
      return { deployment: toDeploymentMessage(begun.deployment), created: false };
    }
    if (begun.kind === 'in_progress') {
      // Set by the loop above (the fallback only satisfies the type checker).
      settled ??= await this.waitForSettled(tenantId, begun.deployment);
      if (settled.status === 'failed') throw failureOf(settled);
      // Answered as it was switched (a later deployment may have superseded it since).
      const switchedTo = (await this.deployments.transitions(tenantId, settled.id)).find((t) => t.from === 'warming')?.to ?? settled.status;
      await this.switchboard.register(tenantId, request.agent);
      this.switchboard.deploys.inc({ outcome: 'unchanged' });
      return { deployment: toDeploymentMessage({ ...settled, status: switchedTo }), created: false };
    }
    await this.switchboard.announce(begun.changes);
    const deployment = await this.carryOut(tenantId, begun.deployment, blueprint.documentJson, actor, request.force === true);
    await this.audit.record({
      action: 'deployment.created',
      actor,
      resourceType: 'deployment',
      resourceId: deployment.id,
      outcome: 'success',
      details: {
        agent: deployment.agent,
        version: deployment.version,
        artifactHash: deployment.artifactHash,
        status: deployment.status,
        strategy: deployment.strategy,
        superseded: deployment.strategy === 'immediate' || deployment.status === 'active' ? deployment.previousDeploymentId : null,
        ...(grant ? { approvedEscalationId: grant.escalationId, approvedBy: grant.approvedBy } : {}),
      },
      eventId: `deployment.created:${deployment.id}`,
      tenantId,
    });
    this.switchboard.deploys.inc({ outcome: deployment.status === 'canary' ? 'canary' : 'activated' });
    this.logger.info(
      { deploymentId: deployment.id, agent: deployment.agent, version: deployment.version, artifactHash: deployment.artifactHash, status: deployment.status, swapMs: deployment.swapMs },
      grant ? 'deployment switched on an approved escalation' : 'deployment switched',
    );
    return { deployment: toDeploymentMessage(deployment), created: true };
  }

  /** pending → warming → (eval gate) → canary | active, or failed (thrown to the caller with the reason). */
  private async carryOut(tenantId: TenantId, pending: DeploymentEntity, documentJson: string, actor: string, force: boolean): Promise<DeploymentEntity> {
    const warming = await this.deployments.move(tenantId, pending.id, 'pending', 'warming', { actor, reason: 'warming the artifact on a live worker' });
    if (!warming) throw new AppError(ErrorCode.Conflict, `deployment ${pending.id} moved on while it was started`);
    await this.switchboard.announce(warming.changes);

    const warmStarted = performance.now();
    let warmedBy: string;
    try {
      const warm = await this.bus.request('af.v1.workers.artifacts.warm', { agent: pending.agent, version: pending.version, artifactHash: pending.artifactHash }, { tenantId, timeoutMs: this.options.warmTimeoutMs });
      warmedBy = warm.workerId;
    } catch (error) {
      const why = isAppError(error) && (error.code === ErrorCode.Unavailable || error.code === ErrorCode.Timeout) ? `no live worker warmed the artifact within ${this.options.warmTimeoutMs} ms` : `warming failed`;
      const reason = `${why}: ${(error as Error).message}`;
      await this.fail(tenantId, pending.id, 'warming', actor, reason, {});
      throw new AppError(ErrorCode.Unavailable, `deployment ${pending.id} failed: ${reason}`, { path: '/agent', cause: error, details: { deploymentId: pending.id } });
    }
    const warmMs = performance.now() - warmStarted;

    let evalReport: EvalReport | undefined;
    let forced = false;
    if (blueprintEvalCount(documentJson) > 0) {
      try {
        evalReport = (await this.bus.request('af.v1.workers.evals.run', { agent: pending.agent, version: pending.version, artifactHash: pending.artifactHash }, { tenantId, timeoutMs: this.options.evalTimeoutMs })).report;
      } catch (error) {
        const reason = `the eval gate could not run: ${(error as Error).message}`;
        await this.fail(tenantId, pending.id, 'warming', actor, reason, {});
        throw new AppError(ErrorCode.Unavailable, `deployment ${pending.id} failed: ${reason}`, { path: '/agent', cause: error, details: { deploymentId: pending.id } });
      }
      if (!evalReport) {
        await this.fail(tenantId, pending.id, 'warming', actor, 'the eval gate returned no report', {});
        throw new AppError(ErrorCode.Unavailable, `deployment ${pending.id} failed: the eval gate returned no report`, { path: '/agent' });
      }
      this.switchboard.countEvalCases(evalReport);
      if (!evalReport.passed) {
        const failing = evalReport.cases.filter((c) => !c.passed).map((c) => c.name);
        const summary = `${evalReport.failed} of ${evalReport.total} evals failed: ${failing.join(', ')}`;
        const reportJson = toJson(EvalReportSchema, evalReport, { alwaysEmitImplicit: true }) as Record<string, unknown>;
        if (!force) {
          await this.fail(tenantId, pending.id, 'warming', actor, summary, { evalReport: reportJson });
          throw new AppError(ErrorCode.ValidationFailed, `deployment of ${pending.agent} version ${pending.version} blocked by its eval gate: ${summary}`, { path: '/version', details: { deploymentId: pending.id, ...reportJson } });
        }
        forced = true;
        await this.audit.record({
          action: 'deployment.forced',
          actor,
          resourceType: 'deployment',
          resourceId: pending.id,
          outcome: 'success',
          details: { agent: pending.agent, version: pending.version, artifactHash: pending.artifactHash, failed: evalReport.failed, total: evalReport.total, failing },
          eventId: `deployment.forced:${pending.id}`,
          tenantId,
        });
        this.switchboard.deploys.inc({ outcome: 'forced' });
      }
    }

    const reportJson = evalReport ? (toJson(EvalReportSchema, evalReport, { alwaysEmitImplicit: true }) as Record<string, unknown>) : null;
    const switched = await this.deployments.switchTo(tenantId, pending.id, actor, { evalReport: reportJson, forced, reason: forced ? 'forced although its evals failed' : null });
    if (!switched) throw new AppError(ErrorCode.Conflict, `deployment ${pending.id} moved on before it was switched`);
    const kvMs = await this.switchboard.register(tenantId, pending.agent);
    const swapMs = warmMs + kvMs;
    await this.deployments.setSwapMs(tenantId, pending.id, swapMs);
    this.switchboard.swapSeconds.observe(swapMs / 1000);
    await this.switchboard.announce(switched.changes);
    this.logger.info({ deploymentId: pending.id, warmedBy, warmMs, kvMs }, 'deployment warmed and switched');
    // As it was switched (a concurrent deployment may supersede it right after).
    return { ...switched.deployment, swapMs } as DeploymentEntity;
  }

  private async fail(tenantId: TenantId, id: string, from: DeploymentStatus, actor: string, reason: string, patch: { evalReport?: Record<string, unknown> }): Promise<void> {
    const moved = await this.deployments.move(tenantId, id, from, 'failed', { actor, reason, details: patch.evalReport ? { evalReport: patch.evalReport } : {}, patch: { reason, ...patch } });
    if (moved) await this.switchboard.announce(moved.changes);
    this.switchboard.deploys.inc({ outcome: 'failed' });
    this.logger.warn({ deploymentId: id, reason }, 'deployment failed');
  }

  /**
   * Waits until a concurrent deployment of the same version leaves pending/warming. A live one
   * does within the warm and eval timeouts; one that made no transition for longer than
   * {@link stuckAfterMs} (its deploying process stopped) is failed as interrupted here, without
   * waiting for the watch loop. So the wait is bounded by that bound from its last transition.
   */
  private async waitForSettled(tenantId: TenantId, deployment: DeploymentEntity): Promise<DeploymentEntity> {
    const bound = stuckAfterMs(this.options, AGENT_LOCK_TIMEOUT_MS);
    const started = Date.now();
    for (;;) {
      const current = await this.deployments.find(tenantId, deployment.id);
      if (current && !IN_PROGRESS_STATUSES.includes(current.status)) return current;
      const lastMove = current?.statusChangedAt.getTime() ?? started;
      if (Date.now() - lastMove > bound) {
        const interrupted = await this.switchboard.interrupt(tenantId, deployment.id, bound);
        if (interrupted) return interrupted;
      }
      const deadline = Math.max(started + this.options.warmTimeoutMs + this.options.evalTimeoutMs + AGENT_LOCK_TIMEOUT_MS, lastMove + bound + 2 * WAIT_POLL_MS + 1_000);
      if (Date.now() > deadline) throw new AppError(ErrorCode.Unavailable, `deployment ${deployment.id} of the same version is still ${current?.status ?? 'pending'}; retry shortly`, { path: '/agent' });
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  /**
   * af.v1.deployments.evals.run: the agent's evals against a version (0 = latest), compiled if
   * needed, run by a worker in the production sandbox; the report, never a deployment.
   */
  async runEvals(tenantId: TenantId, request: RunEvalsRequest): Promise<MessageInitShape<typeof EvalReportReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (!Number.isInteger(request.version) || request.version < 0) throw AppError.invalid('version must be 0 (latest) or a positive integer', '/version');
    const blueprint = await this.fetchBlueprint(tenantId, request.agent, request.version);
    const compiled = await this.bus.request(
      'af.v1.compilation.compile',
      { blueprintName: blueprint.name, blueprintVersion: blueprint.version, contentHash: blueprint.contentHash, documentJson: blueprint.documentJson },
      { tenantId },
    );
    if (!compiled.artifactHash) throw new AppError(ErrorCode.Unavailable, `compilation of ${blueprint.name} version ${blueprint.version} returned no artifact`);
    if (blueprintEvalCount(blueprint.documentJson) === 0) {
      return { report: { agent: blueprint.name, version: blueprint.version, artifactHash: compiled.artifactHash, passed: true, total: 0, failed: 0, cases: [] } };
    }
    const { report } = await this.bus.request('af.v1.workers.evals.run', { agent: blueprint.name, version: blueprint.version, artifactHash: compiled.artifactHash }, { tenantId, timeoutMs: this.options.evalTimeoutMs });
    if (!report) throw new AppError(ErrorCode.Unavailable, 'the worker returned no eval report');
    this.switchboard.countEvalCases(report);
    return { report };
  }

  /** A deployment by id, or (without id) the agent's active one. */
  async get(tenantId: TenantId, request: GetDeploymentRequest): Promise<MessageInitShape<typeof DeploymentReplySchema>> {
    if (request.deploymentId) {
      if (!UUID.test(request.deploymentId)) throw AppError.notFound(`deployment ${request.deploymentId}`, '/deploymentId');
      const found = await this.deployments.find(tenantId, request.deploymentId);
      // Another tenant's deployment is indistinguishable from a missing one.
      if (!found || (request.agent && found.agent !== request.agent)) throw AppError.notFound(`deployment ${request.deploymentId}`, '/deploymentId');
      return { deployment: toDeploymentMessage(found, await this.deployments.transitions(tenantId, found.id)), created: false };
    }
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    const active = await this.deployments.findActive(tenantId, request.agent);
    if (!active) throw new AppError(ErrorCode.NotDeployed, `agent "${request.agent}" has no active deployment`, { path: '/agent' });
    return { deployment: toDeploymentMessage(active, await this.deployments.transitions(tenantId, active.id)), created: false };
  }

  async list(tenantId: TenantId, request: ListDeploymentsRequest): Promise<MessageInitShape<typeof ListDeploymentsReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (request.limit < 0) throw AppError.invalid('limit must not be negative', '/limit');
    const limit = Math.min(request.limit || DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const rows = await this.deployments.list(tenantId, request.agent, limit);
    return { deployments: rows.map((d) => toDeploymentMessage(d)) };
  }

  /** The blueprint's NOT_FOUND is the caller's: it points at the field of *this* request. */
  async fetchBlueprint(tenantId: TenantId, agent: string, version: number) {
    try {
      const reply = await this.bus.request('af.v1.blueprints.get', { name: agent, version }, { tenantId });
      if (!reply.blueprint) throw new AppError(ErrorCode.Unavailable, `the blueprints service returned no blueprint for ${agent}`);
      return reply.blueprint;
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.NotFound) {
        const path = version > 0 && error.path === '/version' ? '/version' : '/agent';
        throw new AppError(ErrorCode.NotFound, error.message, { path, cause: error });
      }
      throw error;
    }
  }
}

/** The error a failed deployment answers a waiting caller with. */
function failureOf(d: DeploymentEntity): AppError {
  if (d.evalReport) return new AppError(ErrorCode.ValidationFailed, `deployment ${d.id} was blocked by its eval gate: ${d.reason ?? ''}`, { path: '/version', details: { deploymentId: d.id, ...d.evalReport } });
  return new AppError(ErrorCode.Unavailable, `deployment ${d.id} failed: ${d.reason ?? 'unknown reason'}`, { path: '/agent', details: { deploymentId: d.id } });
}

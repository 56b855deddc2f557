import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { toJson, type MessageInitShape } from '@bufbuild/protobuf';
import {
  ValidationReportSchema,
  type CreateDeploymentRequest,
  type DeploymentReplySchema,
  type DeploymentSchema,
  type GetDeploymentRequest,
  type ListDeploymentsReplySchema,
  type ListDeploymentsRequest,
  type TenantId,
} from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import type { DeploymentEntity } from '../persistence/deployment.entity.js';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentApprovals, mayDeployRealWorld, REAL_WORLD_VALIDATION_FINDING, type DeploymentGrant } from './deployment-approvals.js';
import { DNS_LABEL } from '@af/blueprint-format';

const AGENT_NAME = DNS_LABEL;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 100;
/** Compare-and-set rounds on the registry entry (each lost only to another deployment's write). */
const REGISTER_ATTEMPTS = 20;

type DeploymentMessage = MessageInitShape<typeof DeploymentSchema>;

@Injectable()
export class DeploymentService {
  private readonly deploys: Counter<'outcome'>;

  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly registry: ActiveDeploymentRepository,
    private readonly bus: MessageBus,
    private readonly approvals: DeploymentApprovals,
    private readonly audit: AuditTrail,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deploys = metrics.counter('af_deployments_total', 'Deployment requests, by outcome (activated | unchanged | refused | approval_required)', ['outcome']);
  }

  /**
   * Deploys a blueprint version: fetch it, refuse it unless it validated, compile it (all remote,
   * holding nothing), then in one short transaction serialized per agent record it as the
   * active deployment (the previous one superseded), then bring the KV registry in line and
   * announce it on AF_EVENTS.
   *
   * Re-deploying the version and artifact that are already active is a no-op that succeeds:
   * the reply carries the existing active deployment with `created: false`. So concurrent
   * deploys of one version make exactly one record, and every one of them is answered with it.
   * The registry entry and the activated event are written again (the event de-duplicated by
   * its msgId), which also repairs a previous attempt that failed after its database commit.
   *
   * A realWorld agent deployed by a caller without ApproveRealWorld is not deployed: an escalation
   * asks an Administrator (403 APPROVAL_REQUIRED with its id); its approval deploys later on the
   * caller's behalf. `approved_escalation_id` is set only by that approval, never over NATS.
   */
  async create(tenantId: TenantId, request: CreateDeploymentRequest): Promise<MessageInitShape<typeof DeploymentReplySchema>> {
    if (request.approvedEscalationId) {
      throw AppError.invalid('approvedEscalationId is set only when an approved deployment escalation deploys (af.v1.escalations.event.decided)', '/approvedEscalationId');
    }
    return this.deploy(tenantId, { agent: request.agent, version: request.version, caller: request.caller }, null);
  }

  /** {@link create}, or with `grant` the deployment an approved escalation allows (on the requester's behalf). */
  async deploy(tenantId: TenantId, request: Pick<CreateDeploymentRequest, 'agent' | 'version' | 'caller'>, grant: DeploymentGrant | null): Promise<MessageInitShape<typeof DeploymentReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (!Number.isInteger(request.version) || request.version < 0) throw AppError.invalid('version must be 0 (latest) or a positive integer', '/version');

    const blueprint = await this.fetchBlueprint(tenantId, request.agent, request.version);
    if (blueprint.archivedAt) {
      this.deploys.inc({ outcome: 'refused' });
      throw new AppError(ErrorCode.Conflict, `blueprint ${blueprint.name} is archived (since ${blueprint.archivedAt}); restore it with a new version before deploying`, { path: '/agent' });
    }
    // Valid when saved is not enough: the policy tier depends on who deploys (cached by content + caller).
    const { report } = await this.bus.request('af.v1.validation.validate', { documentJson: blueprint.documentJson, ...(request.caller ? { caller: request.caller } : {}) }, { tenantId });
    // "realWorld needs an Administrator" is answered by ApproveRealWorld or an approval (below), not refused here.
    const realWorldFinding = report?.errors.some((e) => e.tier === 'policy' && e.code === REAL_WORLD_VALIDATION_FINDING) ?? false;
    const blocking = report ? report.errors.filter((e) => !(e.tier === 'policy' && e.code === REAL_WORLD_VALIDATION_FINDING)) : [];
    if (!report || (!report.valid && (blocking.length > 0 || !realWorldFinding))) {
      this.deploys.inc({ outcome: 'refused' });
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
      this.deploys.inc({ outcome: 'approval_required' });
      // Throws APPROVAL_REQUIRED (pending) or APPROVAL_REJECTED; an earlier approval lets it through.
      grant = await this.approvals.request(tenantId, { agent: request.agent, version: blueprint.version, artifactHash: compiled.artifactHash, caller: request.caller });
    }
    if (grant && (grant.version !== blueprint.version || grant.artifactHash !== compiled.artifactHash)) {
      this.deploys.inc({ outcome: 'refused' });
      throw new AppError(ErrorCode.Conflict, `escalation ${grant.escalationId} approved version ${grant.version} (artifact ${grant.artifactHash}), not version ${blueprint.version} (artifact ${compiled.artifactHash})`, { path: '/version' });
    }

    // The slow remote work is done; now one short transaction decides (no NATS call inside it).
    const { deployment, created, superseded } = await this.deployments.activateOnce(tenantId, {
      id: randomUUID(),
      agent: request.agent,
      version: blueprint.version,
      contentHash: blueprint.contentHash,
      artifactHash: compiled.artifactHash,
      createdBy: request.caller?.subject || 'unknown',
      ...(grant ? { approvedEscalationId: grant.escalationId } : {}),
    });
    await this.register(tenantId, request.agent);
    await this.bus.publish('af.v1.deployments.event.activated', { deployment: toDeploymentMessage(deployment) }, { msgId: `deployment-activated:${deployment.id}`, tenantId });
    if (created) {
      await this.audit.record({
        action: 'deployment.created',
        actor: deployment.createdBy,
        resourceType: 'deployment',
        resourceId: deployment.id,
        outcome: 'success',
        details: {
          agent: deployment.agent,
          version: deployment.version,
          artifactHash: deployment.artifactHash,
          superseded: superseded ?? null,
          ...(grant ? { approvedEscalationId: grant.escalationId, approvedBy: grant.approvedBy } : {}),
        },
        eventId: `deployment.created:${deployment.id}`,
        tenantId,
      });
    }
    this.deploys.inc({ outcome: created ? 'activated' : 'unchanged' });
    this.logger.info(
      { deploymentId: deployment.id, agent: deployment.agent, version: deployment.version, artifactHash: deployment.artifactHash, superseded: superseded ?? undefined },
      created ? (grant ? 'deployment activated on an approved escalation' : 'deployment activated') : 'deployment already active',
    );
    return { deployment: toDeploymentMessage(deployment), created };
  }

  /**
   * Brings the KV registry entry in line with the agent's active deployment in PostgreSQL, after
   * the commit and outside any transaction: read the entry (and its revision), then the database,
   * then compare-and-set; a concurrent writer makes the set fail and the loop read both again. So
   * whatever order concurrent deployments finish in, the last write is the database's latest
   * state. No active deployment (archived meanwhile): nothing to register. This also repairs an
   * entry that an earlier attempt failed to write after its commit.
   */
  private async register(tenantId: TenantId, agent: string): Promise<void> {
    for (let attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
      const { revision, active } = await this.registry.entry(tenantId, agent);
      const current = await this.deployments.findActive(tenantId, agent);
      if (!current) return;
      if (active?.deploymentId === current.id && active.artifactHash === current.artifactHash) return;
      const entry = { deploymentId: current.id, agent: current.agent, version: current.version, artifactHash: current.artifactHash, activatedAtMs: BigInt(current.createdAt.getTime()) };
      if (await this.registry.replace(tenantId, entry, revision)) return;
    }
    throw new AppError(ErrorCode.Unavailable, `the registry entry of "${agent}" kept changing while it was written; retry shortly`, { path: '/agent' });
  }

  /** A deployment by id, or (without id) the agent's active one. */
  async get(tenantId: TenantId, request: GetDeploymentRequest): Promise<MessageInitShape<typeof DeploymentReplySchema>> {
    if (request.deploymentId) {
      if (!UUID.test(request.deploymentId)) throw AppError.notFound(`deployment ${request.deploymentId}`, '/deploymentId');
      const found = await this.deployments.find(tenantId, request.deploymentId);
      // Another tenant's deployment is indistinguishable from a missing one.
      if (!found || (request.agent && found.agent !== request.agent)) throw AppError.notFound(`deployment ${request.deploymentId}`, '/deploymentId');
      return { deployment: toDeploymentMessage(found), created: false };
    }
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    const active = await this.deployments.findActive(tenantId, request.agent);
    if (!active) throw new AppError(ErrorCode.NotDeployed, `agent "${request.agent}" has no active deployment`, { path: '/agent' });
    return { deployment: toDeploymentMessage(active), created: false };
  }

  async list(tenantId: TenantId, request: ListDeploymentsRequest): Promise<MessageInitShape<typeof ListDeploymentsReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    if (request.limit < 0) throw AppError.invalid('limit must not be negative', '/limit');
    const limit = Math.min(request.limit || DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const rows = await this.deployments.list(tenantId, request.agent, limit);
    return { deployments: rows.map(toDeploymentMessage) };
  }

  /** The blueprint's NOT_FOUND is the caller's: it points at the field of *this* request. */
  private async fetchBlueprint(tenantId: TenantId, agent: string, version: number) {
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

export function toDeploymentMessage(d: DeploymentEntity): DeploymentMessage {
  return {
    deploymentId: d.id,
    agent: d.agent,
    version: d.version,
    artifactHash: d.artifactHash,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    createdBy: d.createdBy,
    supersededAt: d.supersededAt ? d.supersededAt.toISOString() : '',
  };
}

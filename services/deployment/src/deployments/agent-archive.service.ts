import { Inject, Injectable } from '@nestjs/common';
import type { BlueprintArchiveChanged, TenantId } from '@af/contracts';
import { AppError } from '@af/errors';
import { AuditTrail } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { DeploymentDeactivationRepository } from './deployment-deactivation.repository.js';
import { DeploymentSwitchboard } from './deployment-switchboard.js';

/**
 * An archived blueprint's agent stops taking runs: its active deployment (and a canary) is
 * deactivated — a recorded transition of the deployment state machine, announced on
 * af.v1.deployments.event.changed like every other — and its entry leaves the KV registry the
 * orchestrator reads. A restore does not re-activate anything: the agent needs a new deployment.
 */
@Injectable()
export class AgentArchiveService {
  private readonly deactivations: Counter<'outcome'>;

  constructor(
    private readonly deactivation: DeploymentDeactivationRepository,
    private readonly registry: ActiveDeploymentRepository,
    private readonly switchboard: DeploymentSwitchboard,
    private readonly audit: AuditTrail,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deactivations = metrics.counter('af_deployment_archive_deactivations_total', 'Archive events applied, by outcome (deactivated | none)', ['outcome']);
  }

  /** Idempotent: a repeated or late event finds nothing older than the archive to deactivate. */
  async onBlueprintArchived(tenantId: TenantId, event: BlueprintArchiveChanged): Promise<void> {
    const archivedAt = new Date(event.changedAt);
    if (!event.name || Number.isNaN(archivedAt.getTime())) throw AppError.invalid('archive event needs a name and an RFC 3339 changed_at', '/changed_at');
    const reason = `blueprint archived at ${event.changedAt}${event.changedBy ? ` by ${event.changedBy}` : ''}`;
    const actor = event.changedBy || 'system:deployment';
    // The database first, under the agent's lock (a deploy in progress commits first); then the KV
    // registry, outside any transaction: an entry activated before the archive leaves it. A deploy
    // that committed before us re-reads PostgreSQL when it writes the registry, so it does not
    // re-register the deactivated deployment.
    const { deactivated, changes } = await this.deactivation.deactivate(tenantId, event.name, archivedAt, { actor, reason });
    const entry = await this.registry.find(tenantId, event.name);
    const registered = entry !== null && Number(entry.activatedAtMs) <= archivedAt.getTime();
    if (registered) await this.registry.remove(tenantId, event.name);
    // Announced (the transitions table is the outbox: the watch loop republishes what a crash here
    // leaves unpublished) and audited after the commit: a crash in between loses the audit record
    // (the archive itself is audited by blueprints).
    await this.switchboard.announce(changes);
    for (const d of deactivated) {
      await this.audit.record({
        action: 'deployment.deactivated',
        actor,
        resourceType: 'deployment',
        resourceId: d.id,
        outcome: 'success',
        details: { agent: event.name, reason },
        eventId: `deployment.deactivated:${d.id}`,
        tenantId,
        at: archivedAt,
      });
    }
    const any = deactivated.length > 0 || registered;
    this.deactivations.inc({ outcome: any ? 'deactivated' : 'none' });
    if (any) this.logger.info({ agent: event.name, deploymentIds: deactivated.length > 0 ? deactivated.map((d) => d.id) : [entry?.deploymentId], reason }, 'deployment deactivated: blueprint archived');
  }
}

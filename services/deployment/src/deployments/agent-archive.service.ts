import { Inject, Injectable } from '@nestjs/common';
import type { BlueprintArchiveChanged, TenantId } from '@af/contracts';
import { AppError } from '@af/errors';
import { AuditTrail } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { DeploymentDeactivationRepository } from './deployment-deactivation.repository.js';

/**
 * An archived blueprint's agent stops taking runs: its active deployment is deactivated (history
 * keeps it, with the reason) and its entry leaves the KV registry the orchestrator reads. A
 * restore does not re-activate anything: the agent needs a new deployment.
 */
@Injectable()
export class AgentArchiveService {
  private readonly deactivations: Counter<'outcome'>;

  constructor(
    private readonly deactivation: DeploymentDeactivationRepository,
    private readonly registry: ActiveDeploymentRepository,
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
    // The database first, under the agent's lock (a deploy in progress commits first); then the KV
    // registry, outside any transaction: an entry activated before the archive leaves it. A deploy
    // that committed before us re-reads PostgreSQL when it writes the registry, so it does not
    // re-register the deactivated deployment.
    const deactivated = await this.deactivation.deactivateActive(tenantId, event.name, archivedAt, reason);
    const entry = await this.registry.find(tenantId, event.name);
    const registered = entry !== null && Number(entry.activatedAtMs) <= archivedAt.getTime();
    if (registered) await this.registry.remove(tenantId, event.name);
    // Audited after the commit: a crash between the two loses this record (the archive itself is audited by blueprints).
    if (deactivated) {
      await this.audit.record({
        action: 'deployment.deactivated',
        actor: event.changedBy || 'system:deployment',
        resourceType: 'deployment',
        resourceId: deactivated,
        outcome: 'success',
        details: { agent: event.name, reason },
        eventId: `deployment.deactivated:${deactivated}`,
        tenantId,
        at: archivedAt,
      });
    }
    this.deactivations.inc({ outcome: deactivated || registered ? 'deactivated' : 'none' });
    if (deactivated || registered) this.logger.info({ agent: event.name, deploymentId: deactivated ?? entry?.deploymentId, reason }, 'deployment deactivated: blueprint archived');
  }
}

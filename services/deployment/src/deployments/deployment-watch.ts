import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { LOGGER, type Logger } from '@af/observability';
import { PeriodicTask } from '@af/runtime';
import { DeploymentControlService } from './deployment-control.service.js';
import { DEPLOYMENT_OPTIONS, type DeploymentOptions } from './deployment.options.js';
import { AGENT_LOCK_TIMEOUT_MS, DeploymentRepository } from './deployment.repository.js';
import { stuckAfterMs } from './deployment-settings.js';
import { DeploymentSwitchboard } from './deployment-switchboard.js';

/** One instance at a time judges the windows (a session advisory lock; the others skip the pass). */
const WATCH_LOCK = 'deployment:watch-loop';
const BATCH = 200;

/**
 * The watch loop: every interval, one instance (pg_try_advisory_lock, held for the pass on one
 * connection) judges each canary and each active deployment within its window
 * ({@link DeploymentControlService.judge}), and republishes transitions whose event a crash left
 * unpublished (the transitions table is the outbox). Each decision is also a compare-and-set on
 * the deployment's status, so even two passes at once act once. It also fails, as interrupted,
 * deployments left pending or warming beyond {@link stuckAfterMs} (their deploying process
 * stopped), so the version can be deployed again.
 */
@Injectable()
export class DeploymentWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private readonly stuckAfterMs: number;

  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly control: DeploymentControlService,
    private readonly switchboard: DeploymentSwitchboard,
    @Inject(DEPLOYMENT_OPTIONS) private readonly options: DeploymentOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.stuckAfterMs = stuckAfterMs(options, AGENT_LOCK_TIMEOUT_MS);
    this.task = new PeriodicTask('deployment watch', options.watchIntervalMs, () => this.pass(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass now (tests call it through the task's interval). Returns how many deployments were judged, or -1 when another instance holds the lock. */
  async pass(): Promise<number> {
    const judged = await this.deployments.exclusively(WATCH_LOCK, async () => {
      const watched = await this.deployments.watched(BATCH);
      for (const { tenantId, deployment } of watched) {
        try {
          await this.control.judge(tenantId as TenantId, deployment);
        } catch (error) {
          this.logger.warn({ err: error, deploymentId: deployment.id }, 'deployment watch: judging failed (next pass retries)');
        }
      }
      for (const { tenantId, deployment } of await this.deployments.stuck(this.stuckAfterMs, BATCH)) {
        try {
          await this.switchboard.interrupt(tenantId as TenantId, deployment.id, this.stuckAfterMs);
        } catch (error) {
          this.logger.warn({ err: error, deploymentId: deployment.id }, 'deployment watch: failing an interrupted deployment failed (next pass retries)');
        }
      }
      for (const change of await this.deployments.unpublished(this.options.watchIntervalMs, BATCH)) await this.switchboard.announceOne(change);
      return watched.length;
    });
    return judged ?? -1;
  }
}

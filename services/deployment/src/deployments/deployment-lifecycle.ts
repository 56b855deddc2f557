/**
 * The deployment's state machine — the one place that says which status may follow which.
 *
 *   pending → warming → active | canary | failed
 *   canary  → active (promoted) | rolled_back | superseded (a newer canary or an immediate deploy) | deactivated (blueprint archived)
 *   active  → superseded | rolled_back | deactivated (blueprint archived) | active (a note: the watch window ended)
 *   superseded → active (reinstated by a rollback to it)
 *
 * `pending` is also allowed straight to `failed` (compilation or the warm request never started).
 * `pending`/`warming` → `failed` is also how an interrupted deployment ends: its deploying process
 * stopped, and after a bound without progress the watch loop (or a deploy waiting for it) fails it
 * with a reason starting {@link INTERRUPTED_REASON_PREFIX}, so the same version can be deployed again.
 * Final: failed, rolled_back, deactivated. Every move is recorded in deployment_transitions and
 * announced as af.v1.deployments.event.changed.
 */
export const DEPLOYMENT_STATUSES = ['pending', 'warming', 'canary', 'active', 'failed', 'rolled_back', 'superseded', 'deactivated'] as const;

export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** Allowed edges, from → to. */
export const DEPLOYMENT_TRANSITIONS: Readonly<Record<DeploymentStatus, readonly DeploymentStatus[]>> = {
  pending: ['warming', 'failed'],
  warming: ['active', 'canary', 'failed'],
  canary: ['active', 'rolled_back', 'superseded', 'deactivated'],
  active: ['active', 'superseded', 'rolled_back', 'deactivated'],
  superseded: ['active'],
  failed: [],
  rolled_back: [],
  deactivated: [],
};

/** Still being prepared: a concurrent deploy of the same version waits for it instead of starting another. */
export const IN_PROGRESS_STATUSES: readonly DeploymentStatus[] = ['pending', 'warming'];

/** The reason of a deployment failed because its deploying process stopped (not the artifact's fault: deploy it again). */
export const INTERRUPTED_REASON_PREFIX = 'interrupted: ';

export function isDeploymentStatus(value: string): value is DeploymentStatus {
  return (DEPLOYMENT_STATUSES as readonly string[]).includes(value);
}

/** May a deployment in `from` move to `to`? `from` null: being created, only `pending` begins one. */
export function canTransition(from: DeploymentStatus | null, to: DeploymentStatus): boolean {
  if (from === null) return to === 'pending';
  return DEPLOYMENT_TRANSITIONS[from].includes(to);
}

import { createHash } from 'node:crypto';
import type { ActiveDeployment } from '@af/contracts';

/** Where a new run goes: the agent's active deployment or its canary; stored on the run (pinning). */
export interface RunRoute {
  deploymentId: string;
  version: number;
  artifactHash: string;
  canary: boolean;
}

/** Buckets a run id falls into: a canary of `percent` % takes the buckets below percent × 100. */
export const CANARY_BUCKETS = 10_000;

/**
 * The run's bucket, 0…9999: the first 4 bytes of SHA-256 of the run id (big-endian) mod 10000.
 * Stable across processes and restarts, and uniform enough that a canary of p % receives p % of
 * runs (the bias of 2^32 mod 10000 is below 10^-5).
 */
export function canaryBucket(runId: string): number {
  return createHash('sha256').update(runId, 'utf8').digest().readUInt32BE(0) % CANARY_BUCKETS;
}

/**
 * Routes a new run by the registry entry: to the canary when one is in progress and the run's
 * bucket is below its percentage, else to the active deployment. Deterministic by run id (the
 * same run id always lands on the same side).
 */
export function routeRun(active: ActiveDeployment, runId: string): RunRoute {
  const canary = active.canary;
  const percent = Math.min(canary?.percent ?? 0, 100);
  if (canary && canary.artifactHash && percent > 0 && canaryBucket(runId) < percent * (CANARY_BUCKETS / 100)) {
    return { deploymentId: canary.deploymentId, version: canary.version, artifactHash: canary.artifactHash, canary: true };
  }
  return { deploymentId: active.deploymentId, version: active.version, artifactHash: active.artifactHash, canary: false };
}

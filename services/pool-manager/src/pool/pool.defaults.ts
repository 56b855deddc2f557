/**
 * The pool's scaling defaults. deploy/k8s/base/worker-scaledobject.yaml carries the same numbers
 * for KEDA + the HPA (lagThreshold, min/max replicas, scale-up policy, scale-down stabilization
 * window and policy, polling interval) and worker-deployment.yaml the same grace period: the unit
 * test kubernetes-manifests.spec.ts fails when they differ.
 */
export const POOL_DEFAULTS = {
  minWorkers: 1,
  maxWorkers: 8,
  /**
   * Messages (pending + ack pending on worker-runs) per worker: KEDA's lagThreshold. A worker runs
   * up to WORKER_RUN_CONCURRENCY (64) runs at once, so this many keep one worker busy.
   */
  targetPerWorker: 64,
  pollMs: 1_000,
  scaleUp: { step: 4, periodMs: 15_000 },
  scaleDown: { step: 1, periodMs: 15_000, stabilizationMs: 30_000 },
  /**
   * SIGTERM → SIGKILL: the Deployment's terminationGracePeriodSeconds. A worker lets runs finish for
   * WORKER_SHUTDOWN_GRACE_MS (10 s), hands back the rest and exits by SHUTDOWN_TIMEOUT_MS (15 s).
   */
  workerStopTimeoutMs: 20_000,
} as const;

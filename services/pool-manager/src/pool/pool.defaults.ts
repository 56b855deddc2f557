/**
 * The pool's scaling defaults. deploy/kubernetes/worker-scaledobject.yaml carries the same numbers
 * for KEDA + the HPA (lagThreshold, min/max replicas, scale-up policy, scale-down stabilization
 * window and policy, polling interval) and worker-deployment.yaml the same grace period: the unit
 * test kubernetes-manifests.spec.ts fails when they differ.
 */
export const POOL_DEFAULTS = {
  minWorkers: 1,
  maxWorkers: 8,
  /** Messages (pending + ack pending on worker-runs) per worker: KEDA's lagThreshold. */
  targetPerWorker: 16,
  pollMs: 1_000,
  scaleUp: { step: 4, periodMs: 15_000 },
  scaleDown: { step: 1, periodMs: 15_000, stabilizationMs: 30_000 },
  /** SIGTERM → SIGKILL: the Deployment's terminationGracePeriodSeconds. */
  workerStopTimeoutMs: 30_000,
} as const;

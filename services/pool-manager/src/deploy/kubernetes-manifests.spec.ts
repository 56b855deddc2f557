import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { consumers, streams } from '@af/contracts';
import { loadPoolManagerConfig } from '../config.js';
import { POOL_DEFAULTS } from '../pool/pool.defaults.js';

const dir = resolve(import.meta.dirname, '../../../../deploy/k8s/base');
/** The first object of `kind` in a (multi-document) manifest file. */
const load = (file: string, kind = 'ScaledObject') =>
  parseAllDocuments(readFileSync(resolve(dir, file), 'utf8'))
    .map((doc) => doc.toJS() as Record<string, unknown>)
    .find((o) => o['kind'] === kind) as Record<string, unknown>;

/**
 * The worker's Kubernetes manifests, checked statically: valid against the Kubernetes and KEDA
 * schemas, and scaling by the same rule as the local pool manager (one set of numbers).
 */
describe('deploy/k8s worker manifests', () => {
  const scaledObject = new ScaledObject(load('worker-scaledobject.yaml') as ConstructorParameters<typeof ScaledObject>[0]);
  const deployment = new Deployment(load('services/worker.yaml', 'Deployment') as ConstructorParameters<typeof Deployment>[0]);

  it('are valid Kubernetes and KEDA objects', () => {
    expect(() => scaledObject.validate()).not.toThrow();
    expect(() => deployment.validate()).not.toThrow();
    // The validators are live: a wrongly typed field is refused.
    const broken = new ScaledObject(load('worker-scaledobject.yaml') as ConstructorParameters<typeof ScaledObject>[0]);
    broken.spec.minReplicaCount = 'one' as unknown as number;
    expect(() => broken.validate()).toThrow(/minReplicaCount/);
  });

  it('scale on the worker-runs consumer with the pool manager\'s thresholds and behaviour', () => {
    const spec = scaledObject.spec;
    expect(spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name });
    expect(spec.triggers).toHaveLength(1);
    const [trigger] = spec.triggers;
    expect(trigger?.type).toBe('nats-jetstream');
    expect(trigger?.metadata).toMatchObject({ stream: streams.AF_RUNS.name, consumer: consumers['worker-runs'].durable, account: expect.any(String), natsServerMonitoringEndpoint: expect.stringMatching(/:8222$/) });
    expect(Number(trigger?.metadata['lagThreshold'])).toBe(POOL_DEFAULTS.targetPerWorker);
    expect(spec.minReplicaCount).toBe(POOL_DEFAULTS.minWorkers);
    expect(spec.maxReplicaCount).toBe(POOL_DEFAULTS.maxWorkers);
    expect((spec.pollingInterval ?? 30) * 1_000).toBe(POOL_DEFAULTS.pollMs);

    const behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
    expect(behavior?.scaleUp).toEqual({ stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: POOL_DEFAULTS.scaleUp.step, periodSeconds: POOL_DEFAULTS.scaleUp.periodMs / 1_000 }] });
    expect(behavior?.scaleDown).toEqual({
      stabilizationWindowSeconds: POOL_DEFAULTS.scaleDown.stabilizationMs / 1_000,
      selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: POOL_DEFAULTS.scaleDown.step, periodSeconds: POOL_DEFAULTS.scaleDown.periodMs / 1_000 }],
    });
  });

  it('give the pool manager the same defaults (its config reads them from POOL_DEFAULTS)', () => {
    const config = loadPoolManagerConfig({});
    expect(config.pool).toEqual({
      minWorkers: POOL_DEFAULTS.minWorkers,
      maxWorkers: POOL_DEFAULTS.maxWorkers,
      targetPerWorker: POOL_DEFAULTS.targetPerWorker,
      pollMs: POOL_DEFAULTS.pollMs,
      scaleUpStep: POOL_DEFAULTS.scaleUp.step,
      scaleUpPeriodMs: POOL_DEFAULTS.scaleUp.periodMs,
      scaleDownStep: POOL_DEFAULTS.scaleDown.step,
      scaleDownPeriodMs: POOL_DEFAULTS.scaleDown.periodMs,
      scaleDownStabilizationMs: POOL_DEFAULTS.scaleDown.stabilizationMs,
    });
    expect(config.workers.stopTimeoutMs).toBe(POOL_DEFAULTS.workerStopTimeoutMs);
  });

  it('run the worker as a graceful, unprivileged, probed container whose replicas KEDA owns', () => {
    const spec = deployment.spec;
    expect(spec?.replicas).toBeUndefined();
    for (const [key, value] of Object.entries(spec?.selector.matchLabels ?? {})) expect(spec?.template.metadata?.labels?.[key]).toBe(value);

    const pod = spec?.template.spec;
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const [worker] = pod?.containers ?? [];
    expect(worker?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(worker?.resources?.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    expect(worker?.resources?.limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    expect(worker?.startupProbe?.httpGet?.path).toBe('/health/startup');
    expect(worker?.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(worker?.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(worker?.command).toContain('--no-node-snapshot');

    // The grace period covers the worker's own drain: runs finish for WORKER_SHUTDOWN_GRACE_MS, the process is gone by SHUTDOWN_TIMEOUT_MS.
    const env = Object.fromEntries((worker?.env ?? []).map((e) => [e.name, e.value]));
    const graceMs = (pod?.terminationGracePeriodSeconds ?? 30) * 1_000;
    expect(graceMs).toBe(POOL_DEFAULTS.workerStopTimeoutMs);
    expect(Number(env['WORKER_SHUTDOWN_GRACE_MS'])).toBeLessThan(Number(env['SHUTDOWN_TIMEOUT_MS']));
    expect(Number(env['SHUTDOWN_TIMEOUT_MS'])).toBeLessThan(graceMs);
    // One worker carries lagThreshold messages: as many as it runs at once.
    expect(Number(env['WORKER_RUN_CONCURRENCY'])).toBe(POOL_DEFAULTS.targetPerWorker);
  });
});

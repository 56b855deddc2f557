import type { ServiceName } from '@af/contracts';

/** The latest heartbeat of one instance, as stored (receivedAtMs is the health service's clock). */
export interface InstanceHeartbeat {
  service: ServiceName;
  instanceId: string;
  ready: boolean;
  version: string;
  sentAtMs: number;
  receivedAtMs: number;
  checks: Record<string, string>;
}

export type ServiceState = 'up' | 'stale' | 'down';

export interface ServiceStatusView {
  service: ServiceName;
  state: ServiceState;
  /** Instances heard from within the expiry window. */
  instances: number;
  lastSeenMs: number;
  checks: Record<string, string>;
}

export interface MeshStatusView {
  status: 'ok' | 'degraded';
  services: ServiceStatusView[];
}

/**
 * up: at least one instance sent a fresh heartbeat saying it is ready.
 * stale: instances are known, but none is both fresh and ready while the last beats are old.
 * down: nothing heard within the expiry window, or the fresh instances all say they are not ready.
 */
export function evaluateService(service: ServiceName, instances: InstanceHeartbeat[], nowMs: number, staleAfterMs: number): ServiceStatusView {
  if (instances.length === 0) return { service, state: 'down', instances: 0, lastSeenMs: 0, checks: {} };
  const newestFirst = [...instances].sort((a, b) => b.receivedAtMs - a.receivedAtMs);
  const fresh = newestFirst.filter((i) => nowMs - i.receivedAtMs <= staleAfterMs);
  const readyFresh = fresh.find((i) => i.ready);
  const lastSeenMs = newestFirst[0]?.receivedAtMs ?? 0;
  const state: ServiceState = readyFresh ? 'up' : fresh.length > 0 ? 'down' : 'stale';
  const shown = readyFresh ?? newestFirst[0];
  return { service, state, instances: instances.length, lastSeenMs, checks: shown?.checks ?? {} };
}

/**
 * ok when every expected service is up. An optional service (one the mesh is whole without, such
 * as the local pool manager) that was never heard from within the expiry window does not degrade
 * the mesh; one that runs and is unwell does.
 */
export function evaluateMesh(
  expected: readonly ServiceName[],
  known: ReadonlyMap<ServiceName, InstanceHeartbeat[]>,
  nowMs: number,
  staleAfterMs: number,
  optional: readonly ServiceName[] = [],
): MeshStatusView {
  const services = expected.map((s) => evaluateService(s, known.get(s) ?? [], nowMs, staleAfterMs));
  const healthy = (s: ServiceStatusView) => s.state === 'up' || (optional.includes(s.service) && s.instances === 0);
  return { status: services.every(healthy) ? 'ok' : 'degraded', services };
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultHttpPorts, eventPublishers, requestCallers, serviceNames, type ServiceName } from '@af/contracts';

/**
 * Who talks to whom in a Kubernetes deployment of the mesh, derived from the code — never typed by
 * hand — so the NetworkPolicies, the Istio AuthorizationPolicies and the policy checks agree with
 * the contracts:
 *
 * - Services talk to each other only over NATS (libs/contracts subjects.ts + access.ts): every
 *   service that calls a request subject (requestCallers), publishes an event (eventPublishers —
 *   the heartbeat is published by all) or owns a subject connects to NATS :4222. There is no
 *   service-to-service HTTP edge.
 * - The HTTP edges: the ingress gateway → gateway :8080 (the public API); Prometheus → every
 *   service's /metrics on its port (defaultHttpPorts); kubelet probes (under Istio the sidecar
 *   injector rewrites them to the sidecar's :15021, so they need no AuthorizationPolicy).
 * - Data stores: a service reaches PostgreSQL / Redis / Neo4j when its sources read their config
 *   (databaseConfigSpec or DATABASE_URL, redisConfigSpec or REDIS_URL, neo4jConfigSpec or
 *   NEO4J_URL) — scanned from services/<name>/src, so a service that starts using Redis changes
 *   the generated policies and the drift check says so.
 * - KEDA's operator reads the NATS monitoring endpoint :8222 (the worker ScaledObject).
 */

export const NAMESPACE = 'agent-factory';
export const workspaceRoot = resolve(import.meta.dirname, '../../..');

/**
 * Not deployed on Kubernetes: the pool manager is the local stand-in for KEDA + the HPA (it
 * supervises worker processes on one host, libs/contracts services.ts optionalServiceNames); on a
 * cluster KEDA scales the worker Deployment, and a pool manager there would fight it.
 */
export const notOnKubernetes: readonly ServiceName[] = ['pool-manager'];
export const k8sServices: readonly ServiceName[] = serviceNames.filter((s) => !notOnKubernetes.includes(s));

export type DataStore = 'postgres' | 'redis' | 'neo4j';
export const dataStorePorts: Record<DataStore, number> = { postgres: 5432, redis: 6379, neo4j: 7687 };
export const NATS_CLIENT_PORT = 4222;
export const NATS_MONITOR_PORT = 8222;
export const NATS_CLUSTER_PORT = 6222;

/** Scales on its queue with KEDA (ScaledObject), not on CPU with an HPA. */
export const kedaScaled: readonly ServiceName[] = ['worker'];

const storeMarkers: Record<DataStore, RegExp> = {
  postgres: /\bdatabaseConfigSpec\b|\bDATABASE_URL\b/,
  redis: /\bredisConfigSpec\b|\bREDIS_URL\b/,
  neo4j: /\bneo4jConfigSpec\b|\bNEO4J_URL\b/,
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test') out.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The data stores each service's (non-test) sources configure. */
export function scanDataStores(root = workspaceRoot): Record<ServiceName, DataStore[]> {
  const result = {} as Record<ServiceName, DataStore[]>;
  for (const service of serviceNames) {
    const text = sourceFiles(join(root, 'services', service, 'src'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    result[service] = (Object.keys(storeMarkers) as DataStore[]).filter((store) => storeMarkers[store].test(text));
  }
  return result;
}

/** Services whose sources make outbound HTTP(S) calls (model providers, tools, embeddings, webhook deliveries). */
export function scanExternalEgress(root = workspaceRoot): ServiceName[] {
  return serviceNames.filter((service) =>
    sourceFiles(join(root, 'services', service, 'src')).some((file) => /\bfetch\(|from 'undici'|\bhttps?\.request\(/.test(readFileSync(file, 'utf8'))),
  );
}

/** Services that use NATS: call a request subject, publish an event, or own a subject (the heartbeat makes that all). */
export function natsUsers(): ServiceName[] {
  const users = new Set<ServiceName>();
  for (const callers of Object.values(requestCallers)) for (const s of callers as readonly ServiceName[]) users.add(s);
  for (const publishers of Object.values(eventPublishers)) for (const s of publishers as readonly ServiceName[]) users.add(s);
  return serviceNames.filter((s) => users.has(s));
}

/** One allowed connection: a source identity (a service account principal) to a workload's port. */
export interface Edge {
  from: string;
  to: string;
  port: number;
  /** HTTP paths, when the edge is HTTP and limited to some (Prometheus: /metrics). */
  paths?: string[];
}

export const principals = {
  service: (s: string) => `cluster.local/ns/${NAMESPACE}/sa/af-${s}`,
  ingress: 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
  prometheus: 'cluster.local/ns/monitoring/sa/prometheus-k8s',
  keda: 'cluster.local/ns/keda/sa/keda-operator',
  nats: `cluster.local/ns/${NAMESPACE}/sa/nats`,
};

/** Workload names (app.kubernetes.io/name) of the targets. */
export const workload = {
  service: (s: string) => `af-${s}`,
  nats: 'nats',
  store: (s: DataStore) => s,
};

/** Every edge the mesh has, from the contracts and the scanned sources. */
export function deriveEdges(stores = scanDataStores()): Edge[] {
  const edges: Edge[] = [{ from: principals.ingress, to: workload.service('gateway'), port: defaultHttpPorts.gateway }];
  for (const s of k8sServices) edges.push({ from: principals.prometheus, to: workload.service(s), port: defaultHttpPorts[s], paths: ['/metrics'] });
  for (const s of natsUsers().filter((u) => k8sServices.includes(u))) edges.push({ from: principals.service(s), to: workload.nats, port: NATS_CLIENT_PORT });
  edges.push({ from: principals.keda, to: workload.nats, port: NATS_MONITOR_PORT });
  edges.push({ from: principals.nats, to: workload.nats, port: NATS_CLUSTER_PORT });
  for (const store of Object.keys(dataStorePorts) as DataStore[]) {
    for (const s of k8sServices) if (stores[s].includes(store)) edges.push({ from: principals.service(s), to: workload.store(store), port: dataStorePorts[store] });
  }
  return edges;
}

export const edgeKey = (e: Edge) => `${e.from} -> ${e.to}:${e.port}${e.paths ? ` ${[...e.paths].sort().join(',')}` : ''}`;

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { serviceNames } from '@af/contracts';
import { checkAuthorizationEdges, checkIstio, checkSchemas, checkWorkloads } from './checks.js';
import { generateAll, generateIstioPolicies } from './generate.js';
import { overlayDir, renderKustomization, strategicMerge, type K8sObject, type Loose } from './kustomize.js';
import { deriveEdges, k8sServices, natsUsers, principals, scanDataStores, workspaceRoot } from './topology.js';

const root = workspaceRoot;
const overlays = ['dev', 'prod'] as const;
const render = (overlay: string) => renderKustomization(overlayDir(root, overlay));
const istio = () => renderKustomization(join(root, 'istio'));
const edges = deriveEdges();
const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found as K8sObject & Loose;
};
const allChecks = (objects: K8sObject[]) => [...checkSchemas(objects), ...checkWorkloads(objects)];

const tmp = mkdtempSync(join(tmpdir(), 'manifest-checks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generated manifests', () => {
  it('are committed as the generator writes them (contracts and sources → policies; run node scripts/gen-istio-policies.mjs)', () => {
    for (const [path, content] of generateAll()) expect({ path, content: readFileSync(join(root, path), 'utf8') }).toEqual({ path, content });
  });

  it('drift is seen: an edge the contracts gained changes the policy file', () => {
    const more = [...edges, { from: principals.service('worker'), to: 'postgres', port: 5432 }];
    const [[path, content]] = [...generateIstioPolicies(more)];
    expect(content).not.toBe(readFileSync(join(root, path!), 'utf8'));
  });
});

describe('topology derived from the contracts and sources', () => {
  it('every service talks NATS; data stores as their configs read them', () => {
    expect(natsUsers()).toEqual([...serviceNames]);
    const stores = scanDataStores();
    expect(stores.worker).toEqual([]);
    expect(stores.memory).toEqual(['postgres', 'redis', 'neo4j']);
    expect(stores.gateway).toEqual(['postgres', 'redis']);
    expect(stores.validation).toEqual(['redis']);
    expect(k8sServices).not.toContain('pool-manager');
  });
});

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = render(overlay);

  it('renders every service with its companions, all valid against their schemas and the policies', () => {
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(k8sServices.map((s) => `af-${s}`).sort());
    expect(allChecks(objects)).toEqual([]);
    expect(objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'agent-factory')).toBe(true);
  });

  it('renders as kubectl kustomize does (where kubectl is installed)', () => {
    let real: string;
    try {
      real = execFileSync('kubectl', ['kustomize', overlayDir(root, overlay)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no kubectl here: the in-process renderer alone
      throw error;
    }
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const byKey = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [key(o), o]));
    const theirs = parseAllDocuments(real).map((d) => d.toJS() as K8sObject);
    expect(byKey(objects)).toEqual(byKey(theirs));
  });
});

describe('overlays differ where they should', () => {
  it('dev runs one replica; prod three, replicated streams, a three-server NATS', () => {
    const dev = render('dev');
    const prod = render('prod');
    expect(find(dev, 'Deployment', 'af-gateway')['spec'].replicas).toBe(1);
    expect(find(prod, 'Deployment', 'af-gateway')['spec'].replicas).toBe(3);
    expect(find(prod, 'HorizontalPodAutoscaler', 'af-gateway')['spec'].minReplicas).toBe(3);
    expect(find(prod, 'ConfigMap', 'af-config')['data']).toMatchObject({ NATS_STREAM_REPLICAS: '3', NATS_URL: expect.stringMatching(/:4222$/) });
    expect(find(dev, 'ConfigMap', 'af-config')['data'].NATS_STREAM_REPLICAS).toBe('1');
    expect(find(prod, 'Deployment', 'af-worker')['spec'].replicas).toBeUndefined();
    const natsProd = parse(readFileSync(join(root, 'deploy/k8s/nats-values.prod.yaml'), 'utf8'));
    expect(natsProd.config.cluster).toEqual({ enabled: true, replicas: 3 });
    const nats = parse(readFileSync(join(root, 'deploy/k8s/nats-values.yaml'), 'utf8'));
    expect(nats.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true } });
    expect(nats.config.monitor.port).toBe(8222);
  });
});

describe('istio', () => {
  const objects = istio();
  it('is valid: schemas, STRICT mTLS, TLS gateway with retries/timeouts, every authorization edge in the contracts', () => {
    expect(checkSchemas(objects)).toEqual([]);
    expect(checkIstio(objects)).toEqual([]);
    expect(checkAuthorizationEdges(objects, edges)).toEqual([]);
    // and every derived edge is allowed by some policy
    expect(objects.filter((o) => o.kind === 'AuthorizationPolicy').length).toBe(new Set(edges.map((e) => e.to)).size + 1);
  });
});

describe('the checks fail on broken manifests', () => {
  const base = () => structuredClone(render('dev'));
  const container = (objects: K8sObject[], name = 'af-worker') => find(objects, 'Deployment', name)['spec'].template.spec.containers[0];

  it('a root container', () => {
    const objects = base();
    const d = find(objects, 'Deployment', 'af-gateway');
    d['spec'].template.spec.securityContext.runAsNonRoot = false;
    d['spec'].template.spec.securityContext.runAsUser = 0;
    delete container(objects, 'af-gateway').securityContext.runAsNonRoot;
    expect(checkWorkloads(objects)).toEqual(expect.arrayContaining([expect.stringMatching(/Deployment\/af-gateway container gateway: runAsNonRoot/), expect.stringMatching(/af-gateway container gateway: runs as root/)]));
  });

  it('a missing probe, a writable root filesystem, no limits', () => {
    const objects = base();
    const c = container(objects);
    delete c.readinessProbe;
    c.livenessProbe.httpGet.path = '/';
    c.securityContext.readOnlyRootFilesystem = false;
    delete c.resources.limits;
    expect(checkWorkloads(objects)).toEqual([
      'Deployment/af-worker container worker: readOnlyRootFilesystem must be true',
      'Deployment/af-worker container worker: no cpu limit',
      'Deployment/af-worker container worker: no memory limit',
      'Deployment/af-worker container worker: livenessProbe must GET /health/live',
      'Deployment/af-worker container worker: no readinessProbe',
    ]);
  });

  it('a Deployment without its PodDisruptionBudget or NetworkPolicy, and no default deny', () => {
    const objects = base().filter((o) => !(['PodDisruptionBudget', 'NetworkPolicy'].includes(o.kind) && ['af-audit', 'default-deny'].includes(o.metadata.name)));
    expect(checkWorkloads(objects)).toEqual([
      'Deployment/af-audit: no PodDisruptionBudget selects its pods',
      'Deployment/af-audit: no NetworkPolicy selects its pods',
      'NetworkPolicy: no default-deny policy (podSelector {}, policyTypes Ingress and Egress, no rules)',
    ]);
  });

  it('a wrongly typed field, an unknown kind, a secret value', () => {
    const objects = base();
    find(objects, 'Deployment', 'af-health')['spec'].replicas = 'three';
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak' }, stringData: { password: 'x' } } as K8sObject);
    expect(checkSchemas(objects)).toEqual([expect.stringMatching(/^Deployment\/af-health: invalid Deployment: .*replicas/), 'Secret/leak: no schema for v1 Secret (add its model to checks.ts)']);
    expect(checkWorkloads(objects)).toContain('Secret/leak: secret values in a manifest (reference Secrets created outside git)');
  });

  it('an Istio policy for a non-existent edge, and one without a selector', () => {
    const objects = structuredClone(istio());
    const nats = find(objects, 'AuthorizationPolicy', 'nats');
    nats['spec'].rules.push({ from: [{ source: { principals: [principals.service('worker')] } }], to: [{ operation: { ports: ['5432'] } }] });
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'worker-to-postgres', namespace: 'agent-factory' },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } }, rules: [{ from: [{ source: { principals: [principals.service('worker')] } }], to: [{ operation: { ports: ['5432'] } }] }] },
    } as unknown as K8sObject);
    objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'everyone' }, spec: { rules: [{}] } } as unknown as K8sObject);
    expect(checkAuthorizationEdges(objects, edges)).toEqual([
      `AuthorizationPolicy/nats: allows ${principals.service('worker')} -> nats:5432, which is no edge of the contracts`,
      `AuthorizationPolicy/worker-to-postgres: allows ${principals.service('worker')} -> postgres:5432, which is no edge of the contracts`,
      'AuthorizationPolicy/everyone: has rules but no workload selector (it would apply to every workload)',
    ]);
  });

  it('permissive mTLS, a route without retries, a plain-HTTP gateway server', () => {
    const objects = structuredClone(istio());
    find(objects, 'PeerAuthentication', 'default')['spec'].mtls.mode = 'PERMISSIVE';
    delete find(objects, 'VirtualService', 'af-gateway')['spec'].http[1].retries;
    delete find(objects, 'Gateway', 'af-gateway')['spec'].servers[1].tls;
    expect(checkIstio(objects)).toEqual([
      'PeerAuthentication: no namespace-wide STRICT mTLS',
      'Gateway/af-gateway: plain HTTP server must redirect to HTTPS',
      'VirtualService/af-gateway route api: no retry policy',
    ]);
  });
});

describe('the kustomize subset', () => {
  it('merges containers by name and refuses fields it does not implement', () => {
    expect(strategicMerge({ containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }] }] }, { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }] }] })).toEqual({
      containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
    });
    writeFileSync(join(tmp, 'kustomization.yaml'), 'resources: []\nimages:\n  - name: x\n    newTag: "2"\n');
    expect(() => renderKustomization(tmp)).toThrow(/fields this renderer does not implement: images/);
    writeFileSync(join(tmp, 'p.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: missing\n');
    writeFileSync(join(tmp, 'kustomization.yaml'), 'resources: []\npatches:\n  - path: p.yaml\n');
    expect(() => renderKustomization(tmp)).toThrow(/patch target ConfigMap\/missing not found/);
  });
});

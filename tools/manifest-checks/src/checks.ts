import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { DestinationRule, Gateway, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { AuthorizationPolicy, PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1';
import { edgeKey, type Edge } from './topology.js';
import type { K8sObject, Loose } from './kustomize.js';

/** Every problem found, each naming the object (`Kind/name`) and what is wrong. */
export type Violations = string[];
const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

type Model = new (data: never) => { validate(): void };
const models: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'networking.istio.io/v1/Gateway': Gateway,
  'networking.istio.io/v1/VirtualService': VirtualService,
  'networking.istio.io/v1/DestinationRule': DestinationRule,
  'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'security.istio.io/v1/PeerAuthentication': PeerAuthentication,
};

/** Each object against its kind's schema (kubernetes-models and its KEDA / Prometheus-operator / Istio packages). */
export function checkSchemas(objects: K8sObject[]): Violations {
  const out: Violations = [];
  for (const o of objects) {
    const model = models[`${o.apiVersion}/${o.kind}`];
    if (!model) {
      out.push(`${id(o)}: no schema for ${o.apiVersion} ${o.kind} (add its model to checks.ts)`);
      continue;
    }
    try {
      new model(structuredClone(o) as never).validate();
    } catch (error) {
      out.push(`${id(o)}: invalid ${o.kind}: ${(error as Error).message.split('\n').slice(0, 4).join(' ')}`);
    }
  }
  return out;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const PROBES = { startupProbe: '/health/startup', livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const;

/** Restricted Pod Security for every container, resources, the three probes; and each Deployment's companions. */
export function checkWorkloads(objects: K8sObject[]): Violations {
  const out: Violations = [];
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  for (const o of of('Deployment')) {
    const d = o as unknown as IDeployment;
    const pod = d.spec?.template.spec;
    const podLabels = d.spec?.template.metadata?.labels;
    const podSc = pod?.securityContext;
    if (podSc?.seccompProfile?.type !== 'RuntimeDefault') out.push(`${id(o)}: pod seccompProfile must be RuntimeDefault`);
    const volumes = new Map((pod?.volumes ?? []).map((v) => [v.name, v]));
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const where = `${id(o)} container ${c.name}`;
      const sc = c.securityContext;
      const nonRoot = sc?.runAsNonRoot ?? podSc?.runAsNonRoot;
      const uid = sc?.runAsUser ?? podSc?.runAsUser;
      if (nonRoot !== true) out.push(`${where}: runAsNonRoot must be true`);
      if (uid === 0) out.push(`${where}: runs as root (runAsUser 0)`);
      if (sc?.privileged) out.push(`${where}: privileged`);
      if (sc?.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
      if (sc?.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem must be true`);
      if (!(sc?.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities must drop ALL`);
      if ((sc?.capabilities?.add ?? []).length) out.push(`${where}: adds capabilities`);
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
      if (!tmp || !volumes.get(tmp.name)?.emptyDir) out.push(`${where}: /tmp must be an emptyDir (the root filesystem is read-only)`);
      for (const r of ['cpu', 'memory']) {
        if (!c.resources?.limits?.[r]) out.push(`${where}: no ${r} limit`);
        if (!c.resources?.requests?.[r]) out.push(`${where}: no ${r} request`);
      }
      for (const [probe, path] of Object.entries(PROBES)) {
        const p = c[probe as keyof typeof PROBES];
        if (!p) out.push(`${where}: no ${probe}`);
        else if (p.httpGet?.path !== path) out.push(`${where}: ${probe} must GET ${path}`);
      }
      for (const e of c.env ?? []) if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(e.name) && e.value !== undefined) out.push(`${where}: ${e.name} set inline (use a secretKeyRef)`);
    }
    const selects = (kind: string, path: (x: Loose) => Record<string, string> | undefined) =>
      of(kind).some((x) => matches(path(x as Loose), podLabels));
    if (!selects('PodDisruptionBudget', (x) => x['spec']?.selector?.matchLabels)) out.push(`${id(o)}: no PodDisruptionBudget selects its pods`);
    if (!selects('NetworkPolicy', (x) => x['spec']?.podSelector?.matchLabels)) out.push(`${id(o)}: no NetworkPolicy selects its pods`);
    if (!selects('Service', (x) => x['spec']?.selector)) out.push(`${id(o)}: no Service selects its pods`);
    if (!pod?.affinity?.podAntiAffinity) out.push(`${id(o)}: no pod anti-affinity`);
    const scaledBy = objects.filter((x) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(x.kind) && (x as Loose)['spec']?.scaleTargetRef?.name === o.metadata.name);
    if (scaledBy.length !== 1) out.push(`${id(o)}: must be scaled by exactly one HPA or ScaledObject (found ${scaledBy.length})`);
    if (scaledBy[0]?.kind === 'ScaledObject' && d.spec?.replicas !== undefined) out.push(`${id(o)}: sets replicas although KEDA owns them`);
  }
  for (const svc of of('Service')) {
    const sel = (svc as Loose)['spec']?.selector as Record<string, string> | undefined;
    if (!of('ServiceMonitor').some((m) => matches((m as Loose)['spec']?.selector?.matchLabels, svc.metadata['labels'] as Record<string, string>)) && sel)
      out.push(`${id(svc)}: no ServiceMonitor scrapes it`);
  }
  const np = of('NetworkPolicy') as Loose[];
  if (!np.some((p) => Object.keys(p['spec']?.podSelector ?? {}).length === 0 && !(p['spec']?.podSelector?.matchLabels) && ['Ingress', 'Egress'].every((t) => p['spec']?.policyTypes?.includes(t)) && !p['spec']?.ingress && !p['spec']?.egress))
    out.push('NetworkPolicy: no default-deny policy (podSelector {}, policyTypes Ingress and Egress, no rules)');
  for (const s of of('Secret')) if ((s as Loose)['data'] || (s as Loose)['stringData']) out.push(`${id(s)}: secret values in a manifest (reference Secrets created outside git)`);
  return out;
}

/** Every ALLOW rule of every AuthorizationPolicy is an edge of the mesh (deriveEdges). */
export function checkAuthorizationEdges(objects: K8sObject[], edges: Edge[]): Violations {
  const allowed = new Set(edges.map(edgeKey));
  const out: Violations = [];
  for (const o of objects.filter((x) => x.kind === 'AuthorizationPolicy')) {
    const spec = (o as unknown as IAuthorizationPolicy).spec ?? {};
    if ((spec.action ?? 'ALLOW') !== 'ALLOW') out.push(`${id(o)}: action ${spec.action}: only ALLOW policies over the default allow-nothing`);
    if (!spec.rules?.length) continue; // no rules: allows nothing
    const target = spec.selector?.matchLabels?.['app.kubernetes.io/name'];
    if (!target) {
      out.push(`${id(o)}: has rules but no workload selector (it would apply to every workload)`);
      continue;
    }
    for (const rule of spec.rules) {
      const froms = (rule.from ?? []).flatMap((f) => f.source?.principals ?? []);
      const ops = (rule.to ?? []).map((t) => t.operation);
      if (!froms.length || !ops.length || ops.some((op) => !op?.ports?.length)) {
        out.push(`${id(o)}: a rule without principals or ports allows more than one edge`);
        continue;
      }
      if ((rule.from ?? []).some((f) => f.source?.namespaces || f.source?.ipBlocks || f.source?.notPrincipals)) out.push(`${id(o)}: sources must be principals only`);
      for (const from of froms) {
        for (const op of ops) {
          for (const port of op?.ports ?? []) {
            const key = edgeKey({ from, to: target, port: Number(port), ...(op?.paths ? { paths: op.paths } : {}) });
            if (!allowed.has(key)) out.push(`${id(o)}: allows ${key}, which is no edge of the contracts`);
          }
        }
      }
    }
  }
  return out;
}

/** Istio: mTLS STRICT for the namespace, a TLS Gateway, retries and timeouts on the HTTP edge. */
export function checkIstio(objects: K8sObject[]): Violations {
  const out: Violations = [];
  const of = (kind: string) => objects.filter((o) => o.kind === kind) as (K8sObject & Loose)[];
  if (!of('PeerAuthentication').some((p) => p['spec']?.mtls?.mode === 'STRICT' && !p['spec']?.selector)) out.push('PeerAuthentication: no namespace-wide STRICT mTLS');
  for (const g of of('Gateway')) {
    for (const s of g['spec']?.servers ?? []) {
      if (s.port?.protocol === 'HTTPS' && !s.tls?.credentialName) out.push(`${id(g)}: HTTPS server without tls.credentialName`);
      if (s.port?.protocol === 'HTTP' && !s.tls?.httpsRedirect) out.push(`${id(g)}: plain HTTP server must redirect to HTTPS`);
    }
  }
  if (!of('Gateway').some((g) => (g['spec']?.servers ?? []).some((s: Loose) => s.port?.protocol === 'HTTPS'))) out.push('Gateway: no HTTPS server');
  for (const vs of of('VirtualService')) {
    for (const route of vs['spec']?.http ?? []) {
      if (!route.timeout) out.push(`${id(vs)} route ${route.name ?? '?'}: no timeout`);
      if (!route.retries) out.push(`${id(vs)} route ${route.name ?? '?'}: no retry policy`);
    }
  }
  for (const dr of of('DestinationRule')) {
    if (!dr['spec']?.trafficPolicy?.connectionPool) out.push(`${id(dr)}: no connectionPool`);
    if (!dr['spec']?.trafficPolicy?.outlierDetection) out.push(`${id(dr)}: no outlierDetection`);
  }
  return out;
}

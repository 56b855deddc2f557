import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The subset of Kustomize this repository's kustomizations use, rendered in-process so `npm test`
 * needs no kustomize binary (no well-kept JS implementation of Kustomize exists on npm; the real
 * one is Go). Supported fields: resources (files or directories with a kustomization.yaml),
 * namespace, replicas, patches (strategic-merge patch files, matched by kind + metadata.name).
 * Any other field is refused — an overlay cannot use a feature this renderer would silently skip.
 * Where `kubectl kustomize` is installed, the unit test renders each overlay with it too and
 * requires the same objects.
 */

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

/** Untyped access into rendered YAML: the checks read fields and then verify them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML has no static type
export type Loose = Record<string, any>;

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'replicas', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/** List fields merged element-wise by a key (Kubernetes' patchMergeKey); other lists are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = k in base ? strategicMerge(base[k], v, k) : v;
    }
    return out;
  }
  const key = MERGE_KEYS[field];
  if (Array.isArray(base) && Array.isArray(patch) && key) {
    const out = base.map((item) => ({ ...(item as object) })) as Record<string, unknown>[];
    for (const item of patch as Record<string, unknown>[]) {
      const at = out.findIndex((b) => b[key] === item[key]);
      if (at >= 0) out[at] = strategicMerge(out[at], item) as Record<string, unknown>;
      else out.push(item);
    }
    return out;
  }
  return patch;
}

export function loadYamlObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Renders the kustomization in `dir` (a directory holding kustomization.yaml). */
export function renderKustomization(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const unsupported = Object.keys(k).filter((f) => !SUPPORTED.has(f));
  if (unsupported.length) throw new Error(`${file}: fields this renderer does not implement: ${unsupported.join(', ')}`);

  let objects: K8sObject[] = [];
  for (const entry of (k['resources'] as string[] | undefined) ?? []) {
    const path = resolve(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : loadYamlObjects(path)));
  }
  const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  const dup = keys.find((key, i) => keys.indexOf(key) !== i);
  if (dup) throw new Error(`${file}: ${dup} defined twice`);

  for (const p of (k['patches'] as { path?: string; target?: unknown }[] | undefined) ?? []) {
    if (!p.path || p.target !== undefined) throw new Error(`${file}: only patches with a path (a strategic-merge patch naming its kind and metadata.name) are supported`);
    for (const patch of loadYamlObjects(resolve(dir, p.path))) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${resolve(dir, p.path)}: patch target ${patch.kind}/${patch.metadata.name} not found`);
      objects[at] = strategicMerge(objects[at], patch) as K8sObject;
    }
  }
  for (const r of (k['replicas'] as { name: string; count: number }[] | undefined) ?? []) {
    const targets = objects.filter((o) => ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(o.kind) && o.metadata.name === r.name);
    if (!targets.length) throw new Error(`${file}: replicas for ${r.name}: no such workload`);
    objects = objects.map((o) => (targets.includes(o) ? { ...o, spec: { ...(o['spec'] as object), replicas: r.count } } : o));
  }
  const namespace = k['namespace'] as string | undefined;
  if (namespace) objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } }));
  return objects;
}

export const overlayDir = (root: string, overlay: string) => join(root, 'deploy/k8s/overlays', overlay);

// Static checks of terraform/: every .tf parsed with HashiCorp's own HCL parser (@cdktf/hcl2json
// runs the Go hcl2json library as WebAssembly), then the conventions checked on the JSON form.
// `terraform validate` needs the registry modules downloaded, which CI cannot do, so these checks
// are what keeps the modules honest offline.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';

type Block = Record<string, unknown>;
/** hcl2json's shape: block type → label → list of bodies (one per declaration). */
type Blocks = Record<string, Block[]>;

export interface TfFile {
  path: string;
  json: Record<string, unknown>;
}

/** A directory of .tf files: one Terraform module. */
export interface TfModule {
  dir: string;
  files: TfFile[];
  variables: Map<string, Block>;
  outputs: Map<string, Block>;
  modules: Map<string, Block>;
}

export interface Problem {
  file: string;
  message: string;
}

export const workspaceRoot = resolve(import.meta.dirname, '../../..');

export async function parseTf(path: string, text = readFileSync(path, 'utf8')): Promise<TfFile> {
  try {
    return { path, json: await parse(path, text) };
  } catch (error) {
    throw new Error(`${path}: not valid HCL: ${(error as Error).message}`, { cause: error });
  }
}

function blocks(file: TfFile, type: string): Array<[string, Block]> {
  const byLabel = (file.json[type] ?? {}) as Blocks;
  return Object.entries(byLabel).flatMap(([label, bodies]) => bodies.map((body): [string, Block] => [label, body]));
}

export function toModule(dir: string, files: TfFile[]): TfModule {
  const collect = (type: string) => new Map(files.flatMap((f) => blocks(f, type)));
  return { dir, files, variables: collect('variable'), outputs: collect('output'), modules: collect('module') };
}

/** Every directory under `root` holding .tf files, as parsed modules. */
export async function loadModules(root: string): Promise<TfModule[]> {
  const dirs = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith('.')) continue; // .terraform/ caches
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.tf')) dirs.set(dir, [...(dirs.get(dir) ?? []), path]);
    }
  };
  walk(root);
  return Promise.all([...dirs].map(async ([dir, paths]) => toModule(dir, await Promise.all(paths.map((p) => parseTf(p))))));
}

const fileOf = (mod: TfModule, kind: string, name: string) =>
  mod.files.find((f) => Object.hasOwn((f.json[kind] ?? {}) as object, name))?.path ?? mod.dir;

/** Every variable typed and described; every output described. */
export function checkDeclarations(mod: TfModule): Problem[] {
  const problems: Problem[] = [];
  for (const [name, body] of mod.variables) {
    const file = fileOf(mod, 'variable', name);
    if (body.type === undefined) problems.push({ file, message: `variable "${name}" has no type` });
    if (typeof body.description !== 'string' || body.description.trim() === '') problems.push({ file, message: `variable "${name}" has no description` });
  }
  for (const [name, body] of mod.outputs) {
    if (typeof body.description !== 'string' || body.description.trim() === '') problems.push({ file: fileOf(mod, 'output', name), message: `output "${name}" has no description` });
  }
  return problems;
}

/** Registry sources (namespace/name/provider[//submodule]) pinned to one exact version. */
const registrySource = /^[a-z0-9-]+\/[a-z0-9-]+\/[a-z0-9]+(\/\/[A-Za-z0-9_./-]+)?$/;
const exactVersion = /^=?\s*\d+\.\d+\.\d+$/;

/** Local sources exist (and hold .tf files); registry sources carry an exact version; nothing else. */
export function checkModuleSources(mod: TfModule): Problem[] {
  const problems: Problem[] = [];
  for (const [name, body] of mod.modules) {
    const file = fileOf(mod, 'module', name);
    const source = body.source;
    if (typeof source !== 'string') {
      problems.push({ file, message: `module "${name}" has no literal source` });
      continue;
    }
    if (source.startsWith('./') || source.startsWith('../')) {
      const target = resolve(mod.dir, source);
      if (!existsSync(target) || !readdirSync(target).some((f) => f.endsWith('.tf'))) problems.push({ file, message: `module "${name}": local source ${source} does not exist (or holds no .tf)` });
      if (body.version !== undefined) problems.push({ file, message: `module "${name}": a local source takes no version` });
    } else if (registrySource.test(source)) {
      if (typeof body.version !== 'string' || !exactVersion.test(body.version)) problems.push({ file, message: `module "${name}": registry source ${source} must be pinned to an exact version (got ${JSON.stringify(body.version)})` });
    } else {
      problems.push({ file, message: `module "${name}": source ${source} is neither local nor a registry module (git/http sources are not allowed)` });
    }
  }
  return problems;
}

const localTarget = (mod: TfModule, source: unknown) => (typeof source === 'string' && /^\.\.?\//.test(source) ? resolve(mod.dir, source) : undefined);

/**
 * The example root wires every local module under `modulesDir`, passes each one every required
 * variable (no default) and no variable it does not declare.
 */
export function checkWiring(root: TfModule, localModules: TfModule[], modulesDir: string): Problem[] {
  const problems: Problem[] = [];
  const used = new Map<string, string[]>();
  for (const [name, body] of root.modules) {
    const target = localTarget(root, body.source);
    if (target) used.set(target, [...(used.get(target) ?? []), name]);
  }
  for (const lib of localModules.filter((m) => resolve(m.dir).startsWith(resolve(modulesDir) + '/'))) {
    const callers = used.get(resolve(lib.dir));
    if (!callers) {
      problems.push({ file: root.dir, message: `module ${relative(root.dir, lib.dir)} is not wired into the example root` });
      continue;
    }
    for (const caller of callers) {
      const args = root.modules.get(caller) ?? {};
      const file = fileOf(root, 'module', caller);
      for (const [variable, body] of lib.variables) {
        if (!Object.hasOwn(body, 'default') && !Object.hasOwn(args, variable)) problems.push({ file, message: `module "${caller}" does not set required variable "${variable}" of ${relative(root.dir, lib.dir)}` });
      }
      for (const arg of Object.keys(args)) {
        if (['source', 'version', 'providers', 'depends_on', 'count', 'for_each'].includes(arg)) continue;
        if (!lib.variables.has(arg)) problems.push({ file, message: `module "${caller}" sets "${arg}", which ${relative(root.dir, lib.dir)} does not declare` });
      }
    }
  }
  return problems;
}

/** `module.<name>.<output>` references anywhere in a module's expressions. */
function moduleReferences(value: unknown, found: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string') for (const m of value.matchAll(/\bmodule\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)/g)) found.push([m[1]!, m[2]!]);
  else if (Array.isArray(value)) for (const v of value) moduleReferences(v, found);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) moduleReferences(v, found);
  return found;
}

/** Every `module.X.Y` used in a module refers to a local module X that declares output Y. */
export function checkModuleOutputsExist(mod: TfModule, all: TfModule[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of mod.files) {
    for (const [name, output] of moduleReferences(file.json)) {
      const call = mod.modules.get(name);
      if (!call) {
        problems.push({ file: file.path, message: `module.${name}.${output}: no module "${name}" here` });
        continue;
      }
      const target = localTarget(mod, call.source);
      if (!target) continue; // a registry module: its outputs are its own documentation's
      const lib = all.find((m) => resolve(m.dir) === target);
      if (lib && !lib.outputs.has(output)) problems.push({ file: file.path, message: `module.${name}.${output}: ${relative(mod.dir, target)} has no output "${output}"` });
    }
  }
  return problems;
}

/** The outputs the Kubernetes layer reads (k8s-outputs.json beside the root) are all declared. */
export function checkK8sOutputs(root: TfModule, wanted: string[]): Problem[] {
  return wanted.filter((name) => !root.outputs.has(name)).map((name) => ({ file: root.dir, message: `output "${name}" (read by the Kubernetes layer, k8s-outputs.json) is not declared` }));
}

export function readK8sOutputs(rootDir: string): string[] {
  const list = (JSON.parse(readFileSync(join(rootDir, 'k8s-outputs.json'), 'utf8')) as { outputs?: unknown }).outputs;
  if (!Array.isArray(list) || !list.every((o) => typeof o === 'string')) throw new Error(`${rootDir}/k8s-outputs.json: "outputs" must be a list of output names`);
  return list;
}

/** All checks over a terraform/ tree with modules/ and examples/<root>/ (each with k8s-outputs.json). */
export async function checkTerraformTree(terraformDir: string): Promise<Problem[]> {
  const all = await loadModules(terraformDir);
  const modulesDir = join(terraformDir, 'modules');
  const roots = all.filter((m) => existsSync(join(m.dir, 'k8s-outputs.json')));
  if (roots.length === 0) return [{ file: terraformDir, message: 'no example root (a directory with k8s-outputs.json)' }];
  return [
    ...all.flatMap((m) => [...checkDeclarations(m), ...checkModuleSources(m), ...checkModuleOutputsExist(m, all)]),
    ...roots.flatMap((r) => [...checkWiring(r, all, modulesDir), ...checkK8sOutputs(r, readK8sOutputs(r.dir))]),
  ].map((p) => ({ ...p, file: relative(dirname(terraformDir), p.file) || p.file }));
}

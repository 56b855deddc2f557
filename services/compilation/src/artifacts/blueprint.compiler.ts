import { transform, version as esbuildVersion, type Message } from 'esbuild';
import ts from 'typescript';
import { AppError, ErrorCode } from '@af/errors';
import { isRole, type ArtifactApprovalPolicy, type ArtifactContext } from '@af/contracts';
import { ARTIFACT_FORMAT, type Artifact, type ArtifactTool, type PromptSegment } from './artifact.format.js';
import { ALLOWED_HOST, BUILTIN_NAMES, TOOL_NAME, checkCredentials, isBuiltinName, normalizeHost, type JsonValue } from '@af/blueprint-format';
import { TemplateError, parseTemplate } from './prompt-template.js';
import { schemaProblem } from './schema-check.js';
import type { ToolSource } from './tool-typecheck.js';
import { checkToolTypes } from './tool-typecheck.pool.js';

export const COMPILER_NAME = 'af-compiler';
/** Bump when the artifact a blueprint compiles to changes (the compile cache keys on it). */
export const COMPILER_RELEASE = '1.1.0';
export const COMPILER_VERSION = `${COMPILER_NAME}@${COMPILER_RELEASE}+esbuild@${esbuildVersion}+typescript@${ts.version}`;

const TOOL_GLOBAL = '__af_tool';

export interface BlueprintIdentity {
  name: string;
  version: number;
  contentHash: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string, path: string): AppError {
  return new AppError(ErrorCode.InvalidDocument, message, { path });
}

function objectAt(parent: Json, key: string, path: string, required: boolean): Json | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) throw invalid(`${path} is required`, path);
    return undefined;
  }
  if (!isObject(value)) throw invalid(`${path} must be an object`, path);
  return value;
}

function stringAt(parent: Json | undefined, key: string, path: string, fallback?: string): string {
  const value = parent?.[key];
  if (value === undefined || value === null) {
    if (fallback === undefined) throw invalid(`${path} is required`, path);
    return fallback;
  }
  if (typeof value !== 'string') throw invalid(`${path} must be a string`, path);
  return value;
}

/**
 * spec.governance.approval → artifact policy.approval (quorum 1..5; levels with roles from ROLES
 * and deadlineSeconds 60..2592000), or undefined when absent: an artifact without it keeps the
 * shape — and the hash — it had before approvals existed.
 */
function approvalAt(governance: Json | undefined): ArtifactApprovalPolicy | undefined {
  const approval = objectAt(governance ?? {}, 'approval', '/spec/governance/approval', false);
  if (!approval) return undefined;
  const quorum = approval['quorum'];
  if (quorum !== undefined && (!Number.isInteger(quorum) || (quorum as number) < 1 || (quorum as number) > 5)) {
    throw invalid('/spec/governance/approval/quorum must be an integer from 1 to 5', '/spec/governance/approval/quorum');
  }
  const levels = arrayAt(approval, 'levels', '/spec/governance/approval/levels').map((raw, i) => {
    const path = `/spec/governance/approval/levels/${i}`;
    if (!isObject(raw)) throw invalid(`${path} must be an object`, path);
    const roles = arrayAt(raw, 'roles', `${path}/roles`).map((role, j) => {
      if (!isRole(role)) throw invalid(`${path}/roles/${j} must be a role (Viewer, Developer, ProductManager, Administrator)`, `${path}/roles/${j}`);
      return role;
    });
    const deadlineSeconds = raw['deadlineSeconds'];
    if (!Number.isInteger(deadlineSeconds) || (deadlineSeconds as number) < 60 || (deadlineSeconds as number) > 2_592_000) {
      throw invalid(`${path}/deadlineSeconds must be an integer from 60 to 2592000`, `${path}/deadlineSeconds`);
    }
    return { roles: [...new Set(roles)], deadlineSeconds: deadlineSeconds as number };
  });
  return { ...(quorum !== undefined ? { quorum: quorum as number } : {}), ...(levels.length > 0 ? { levels } : {}) };
}

function arrayAt(parent: Json | undefined, key: string, path: string): unknown[] {
  const value = parent?.[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${path} must be an array`, path);
  return value;
}

/**
 * Compiles a blueprint document (already validated by the validation service) into an artifact:
 * templates pre-parsed, tool code transpiled (esbuild, TS → ES2022 IIFE), policy resolved.
 * Pure apart from calling esbuild; the same document yields the same artifact.
 */
export async function compileBlueprint(document: unknown, identity: BlueprintIdentity): Promise<Artifact> {
  if (!isObject(document)) throw invalid('the blueprint document must be a JSON object', '');
  const metadata = objectAt(document, 'metadata', '/metadata', false);
  const spec = objectAt(document, 'spec', '/spec', true) as Json;

  const promptSpec = objectAt(spec, 'prompt', '/spec/prompt', false);
  const variables = (objectAt(promptSpec ?? {}, 'variables', '/spec/prompt/variables', false) ?? {}) as Record<string, JsonValue>;
  const template = (key: 'system' | 'user'): PromptSegment[] => {
    const path = `/spec/prompt/${key}`;
    const text = stringAt(promptSpec, key, path, '');
    let segments: PromptSegment[];
    try {
      segments = parseTemplate(text);
    } catch (error) {
      if (error instanceof TemplateError) throw new AppError(ErrorCode.ValidationFailed, `${path}: ${error.message}`, { path });
      throw error;
    }
    for (const segment of segments) {
      if ('ref' in segment && segment.ref[0] !== 'input' && !Object.hasOwn(variables, segment.ref[0] as string)) {
        throw new AppError(ErrorCode.ValidationFailed, `${path}: {{${segment.ref.join('.')}}} is neither an input field nor a declared variable`, { path });
      }
    }
    return segments;
  };

  const governance = objectAt(spec, 'governance', '/spec/governance', false);
  const actions = objectAt(spec, 'actions', '/spec/actions', false);
  const requireApproval = [...new Set(arrayAt(actions, 'requireApproval', '/spec/actions/requireApproval').map(String))].sort();
  const maxAllowedScope = actions?.['maxAllowedScope'];
  const approval = approvalAt(governance);

  const seen = new Set<string>();
  const toolSpecs = arrayAt(spec, 'tools', '/spec/tools');
  const sources: ToolSource[] = [];
  // esbuild transforms run concurrently; the first failing tool (by index) is the one reported.
  const settled = await Promise.allSettled(toolSpecs.map((raw, i) => compileTool(raw, i, requireApproval, seen, sources)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const tools = settled.map((r) => (r as PromiseFulfilledResult<ArtifactTool>).value);
  // In a worker thread, under a deadline: a type-level bomb fails this compile (COMPILE_TIMEOUT), not the service.
  await checkToolTypes(sources);

  const input = objectAt(spec, 'input', '/spec/input', false);
  const output = objectAt(spec, 'output', '/spec/output', false);
  checkSchema(input?.['schema'], '/spec/input/schema');
  checkSchema(output?.['schema'], '/spec/output/schema');
  tools.forEach((tool, i) => checkSchema(tool.inputSchema, `/spec/tools/${i}/inputSchema`));
  const network = objectAt(spec, 'network', '/spec/network', false);
  const allowHosts = [
    ...new Set(
      arrayAt(network, 'allowHosts', '/spec/network/allowHosts').map((entry, i) => {
        const host = typeof entry === 'string' ? normalizeHost(entry) : '';
        if (!ALLOWED_HOST.test(host)) throw invalid(`/spec/network/allowHosts/${i} must be a host name like "api.example.com" or "*.example.com"`, `/spec/network/allowHosts/${i}`);
        return host;
      }),
    ),
  ].sort();
  // Absent unless declared: an artifact without credentials keeps its shape and hash. Names only, never values.
  const checked = checkCredentials(network?.['credentials'], allowHosts);
  const refused = checked.problems[0];
  if (refused) throw new AppError(ErrorCode.InvalidDocument, refused.message, { path: refused.path, details: { code: refused.code, problems: checked.problems.length } });
  const credentials = checked.credentials;

  const model = objectAt(spec, 'model', '/spec/model', false);
  const route = arrayAt(model, 'route', '/spec/model/route').map((entry, i) => {
    if (typeof entry !== 'string' || !/^[a-z0-9-]+\/.+$/.test(entry)) throw invalid(`/spec/model/route/${i} must be "provider/model"`, `/spec/model/route/${i}`);
    return entry;
  });
  const maxCost = model?.['maxCostUsdPerRun'];
  const minConfidence = output?.['minConfidence'];
  const context = contextAt(spec);

  return {
    format: ARTIFACT_FORMAT,
    compiler: { name: COMPILER_NAME, version: COMPILER_RELEASE, esbuild: esbuildVersion, typescript: ts.version },
    blueprint: {
      name: identity.name,
      version: identity.version,
      contentHash: identity.contentHash,
      description: stringAt(metadata, 'description', '/metadata/description', ''),
      labels: Object.fromEntries(Object.entries((metadata?.['labels'] as Json | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
    },
    goal: stringAt(spec, 'goal', '/spec/goal', ''),
    prompt: { system: template('system'), user: template('user'), variables },
    input: { schema: (input?.['schema'] as JsonValue | undefined) ?? null },
    output: { schema: (output?.['schema'] as JsonValue | undefined) ?? null, minConfidence: typeof minConfidence === 'number' ? minConfidence : null },
    tools,
    policy: {
      autonomyLevel: stringAt(governance, 'autonomyLevel', '/spec/governance/autonomyLevel', 'supervised'),
      maxAllowedScope: typeof maxAllowedScope === 'string' ? maxAllowedScope : null,
      requireApproval,
      ...(approval ? { approval } : {}),
    },
    model: { route: route.length > 0 ? route : ['offline/default'], maxCostUsdPerRun: typeof maxCost === 'number' ? maxCost : null },
    network: { allowHosts, ...(credentials ? { credentials } : {}) },
    triggers: arrayAt(spec, 'triggers', '/spec/triggers') as JsonValue[],
    evals: arrayAt(spec, 'evals', '/spec/evals') as JsonValue[],
    ...(context ? { context } : {}),
  };
}

const ACCESS_LEVELS = new Set(['self', 'team', 'organization', 'crossOrganization']);

/**
 * spec.context → artifact context (access level and memory tiers, issue 12), or undefined when
 * absent: an artifact without it keeps its shape and hash. Only the known fields are carried.
 */
function contextAt(spec: Json): ArtifactContext | undefined {
  const context = objectAt(spec, 'context', '/spec/context', false);
  if (!context) return undefined;
  const accessLevel = context['accessLevel'];
  if (accessLevel !== undefined && (typeof accessLevel !== 'string' || !ACCESS_LEVELS.has(accessLevel))) {
    throw invalid('/spec/context/accessLevel must be one of self, team, organization, crossOrganization', '/spec/context/accessLevel');
  }
  const memory = objectAt(context, 'memory', '/spec/context/memory', false);
  let compiled: ArtifactContext['memory'];
  if (memory) {
    const working = memory['working'];
    const readOnly = memory['readOnly'];
    const episodic = objectAt(memory, 'episodic', '/spec/context/memory/episodic', false);
    const semantic = objectAt(memory, 'semantic', '/spec/context/memory/semantic', false);
    const lookback = episodic?.['lookback'];
    const topK = semantic?.['topK'];
    if (lookback !== undefined && (typeof lookback !== 'string' || !/^[1-9][0-9]{0,5}(s|m|h|d|w)$/.test(lookback))) {
      throw invalid('/spec/context/memory/episodic/lookback must be a duration such as 30d, 12h or 2w', '/spec/context/memory/episodic/lookback');
    }
    if (topK !== undefined && (!Number.isInteger(topK) || (topK as number) < 1 || (topK as number) > 100)) {
      throw invalid('/spec/context/memory/semantic/topK must be an integer from 1 to 100', '/spec/context/memory/semantic/topK');
    }
    compiled = {
      ...(typeof working === 'boolean' ? { working } : {}),
      ...(episodic ? { episodic: typeof lookback === 'string' ? { lookback } : {} } : {}),
      ...(semantic ? { semantic: typeof topK === 'number' ? { topK } : {} } : {}),
      ...(typeof readOnly === 'boolean' ? { readOnly } : {}),
    };
  }
  return { ...(typeof accessLevel === 'string' ? { accessLevel } : {}), ...(compiled ? { memory: compiled } : {}) };
}

function checkSchema(schema: unknown, path: string): void {
  if (schema === undefined || schema === null) return;
  const problem = schemaProblem(schema);
  if (problem) throw new AppError(ErrorCode.ValidationFailed, `${path + problem.path} does not compile to a validator: ${problem.message}`, { path: path + problem.path, details: { code: problem.code } });
}

async function compileTool(raw: unknown, index: number, requireApproval: string[], seen: Set<string>, sources: ToolSource[]): Promise<ArtifactTool> {
  const path = `/spec/tools/${index}`;
  if (!isObject(raw)) throw invalid(`${path} must be an object`, path);
  const name = stringAt(raw, 'name', `${path}/name`);
  if (!TOOL_NAME.test(name)) throw invalid(`${path}/name "${name}" is not a valid tool name`, `${path}/name`);
  if (seen.has(name)) throw invalid(`${path}/name: tool "${name}" is declared twice`, `${path}/name`);
  seen.add(name);
  const inputSchema = raw['inputSchema'] ?? { type: 'object' };
  if (!isObject(inputSchema)) throw invalid(`${path}/inputSchema must be an object`, `${path}/inputSchema`);
  const builtin = raw['builtin'];
  const code = raw['code'];
  const base = {
    name,
    description: stringAt(raw, 'description', `${path}/description`, ''),
    scope: stringAt(raw, 'scope', `${path}/scope`, 'internal'),
    inputSchema: inputSchema as JsonValue,
  };
  if (builtin !== undefined && code !== undefined) throw invalid(`${path}: a tool has either "builtin" or "code", not both`, path);
  if (builtin !== undefined) {
    if (!isBuiltinName(builtin)) throw invalid(`${path}/builtin must be one of ${BUILTIN_NAMES.join(', ')}`, `${path}/builtin`);
    return { ...base, requiresApproval: requireApproval.includes(name) || requireApproval.includes(builtin), kind: 'builtin', builtin };
  }
  if (typeof code !== 'string' || code.trim() === '') throw invalid(`${path}: a tool needs "builtin" or "code"`, path);
  sources.push({ index, name, code, inputSchema });
  return { ...base, requiresApproval: requireApproval.includes(name), kind: 'code', code: await transpile(code, `${path}/code`, name), globalName: TOOL_GLOBAL };
}

/** TypeScript → one ES2022 script that assigns the module namespace to `__af_tool`. */
async function transpile(source: string, path: string, tool: string): Promise<string> {
  try {
    const result = await transform(source, {
      loader: 'ts',
      format: 'iife',
      globalName: TOOL_GLOBAL,
      target: 'es2022',
      platform: 'neutral',
      sourcefile: `${tool}.ts`,
      legalComments: 'none',
      logLevel: 'silent',
    });
    if (/\brequire\(/.test(result.code) && /^\s*import\s/m.test(source)) {
      throw new AppError(ErrorCode.ValidationFailed, `tool "${tool}": imports are not available in tool code (it runs in a sandbox without modules)`, { path });
    }
    return result.code;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages) || messages.length === 0) throw error;
    const errors = messages.map((m) => ({ line: m.location?.line ?? 0, column: (m.location?.column ?? 0) + 1, message: m.text, lineText: m.location?.lineText ?? '' }));
    const first = errors[0] as (typeof errors)[number];
    return Promise.reject(
      new AppError(ErrorCode.ValidationFailed, `tool "${tool}" does not compile: line ${first.line}, column ${first.column}: ${first.message}`, { path, details: { errors } }),
    );
  }
}

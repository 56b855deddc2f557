import { builtinSpec, checkEvalExpectation, checkTriggers, scanTemplate, type CheckedSchema, type CompiledSchema, type JsonSchemaCompiler } from '@af/blueprint-format';
import { humanPath, pointer, type Findings } from './findings.js';
import { asArray, asObject, asString, scopeRank, type BlueprintView } from './blueprint-view.js';
import { nearest } from './near-miss.js';
import { typescriptSyntaxProblems } from './typescript-syntax.js';
import { networkCredentials } from './network-credentials.js';

/** The provider every worker has (deterministic, no network); others are configured (AF_MODEL_PROVIDERS). */
export const BUILTIN_MODEL_PROVIDER = 'offline';

/** What the rules know of the deployment: the model providers the workers are configured with. */
export interface RuleContext {
  /** Provider names a route entry may name (`offline` always among them). */
  modelProviders: readonly string[];
}

export const DEFAULT_RULE_CONTEXT: RuleContext = { modelProviders: [BUILTIN_MODEL_PROVIDER] };
export const KNOWN_INDUSTRY_PROFILES = ['RealEstate', 'Insurance', 'Mortgage', 'Healthcare', 'FinancialServices', 'Retail', 'Legal', 'Generic'] as const;
export const DEFAULT_INDUSTRY_PROFILE = 'RealEstate';

type Rule = (view: BlueprintView, findings: Findings, schemas: JsonSchemaCompiler, context: RuleContext) => void;

/** Semantic rules: each reads the document defensively and runs even when the schema tier failed. */
export const semanticRules: Readonly<Record<string, Rule>> = {
  promptVariables(view, findings) {
    const prompt = view.section('prompt');
    const variables = asObject(prompt['variables']) ?? {};
    const defined = Object.keys(variables);
    const used = new Set<string>();
    for (const field of ['system', 'user'] as const) {
      const template = asString(prompt[field]);
      if (template === undefined) continue;
      const path = pointer('spec', 'prompt', field);
      const { references, problems, omittedProblems } = scanTemplate(template);
      for (const p of problems) findings.error('semantic', 'MALFORMED_TEMPLATE', path, `${humanPath(path)} ${p.message} at line ${p.line}, column ${p.column}`);
      if (omittedProblems > 0) findings.error('semantic', 'MALFORMED_TEMPLATE', path, `${humanPath(path)} has ${omittedProblems} more template problem(s) not listed`);
      for (const ref of references) {
        used.add(ref.root);
        if (ref.root === 'input' || Object.hasOwn(variables, ref.root)) continue;
        findings.error(
          'semantic',
          'UNDEFINED_VARIABLE',
          path,
          `${humanPath(path)} uses {{${ref.expression}}} (line ${ref.line}, column ${ref.column}) but "${ref.root}" is not defined in spec.prompt.variables and is not input.*`,
        );
        const close = nearest(ref.root, defined);
        if (close) findings.suggest(path, `did you mean {{${close}}}?`, close);
        findings.suggest(pointer('spec', 'prompt', 'variables', ref.root), `define "${ref.root}" in spec.prompt.variables, or write {{input.${ref.root}}} to take it from the run input`, '');
      }
    }
    for (const name of defined) {
      if (!used.has(name)) {
        findings.warn('semantic', 'UNUSED_VARIABLE', pointer('spec', 'prompt', 'variables', name), `spec.prompt.variables.${name} is never used in spec.prompt.system or spec.prompt.user`);
      }
    }
  },

  uniqueToolNames(view, findings) {
    const first = new Map<string, number>();
    for (const tool of view.tools) {
      if (tool.name === undefined) continue;
      const earlier = first.get(tool.name);
      if (earlier === undefined) first.set(tool.name, tool.index);
      else findings.error('semantic', 'DUPLICATE_TOOL_NAME', pointer('spec', 'tools', tool.index, 'name'), `tool name "${tool.name}" is already used by spec.tools[${earlier}]`);
    }
  },

  approvalsNameTools(view, findings) {
    const names = view.tools.flatMap((t) => (t.name === undefined ? [] : [t.name]));
    const seen = new Set<string>();
    for (const approval of view.approvals) {
      const path = pointer('spec', 'actions', 'requireApproval', approval.index);
      if (seen.has(approval.name)) findings.warn('semantic', 'DUPLICATE_APPROVAL', path, `"${approval.name}" is listed twice in spec.actions.requireApproval`);
      seen.add(approval.name);
      if (names.includes(approval.name)) continue;
      const close = nearest(approval.name, names);
      findings.error('semantic', 'UNKNOWN_APPROVAL_TOOL', path, `spec.actions.requireApproval names "${approval.name}", which is not a tool of this blueprint${close ? `; did you mean \`${close}\`?` : ''}`);
      if (close) findings.suggest(path, `did you mean \`${close}\`?`, close);
    }
  },

  toolScopes(view, findings) {
    const max = view.maxAllowedScope;
    for (const tool of view.tools) {
      if (!tool.scope) continue;
      const path = pointer('spec', 'tools', tool.index, 'scope');
      if (scopeRank(tool.scope) > scopeRank(max.scope)) {
        findings.error(
          'semantic',
          'TOOL_SCOPE_EXCEEDS_MAX',
          path,
          `spec.tools[${tool.index}].scope ${tool.scope} exceeds spec.actions.maxAllowedScope ${max.scope}${max.declared ? '' : ' (the default)'}`,
        );
        findings.suggest(pointer('spec', 'actions', 'maxAllowedScope'), `raise spec.actions.maxAllowedScope to ${tool.scope}, or lower the tool's scope`, tool.scope);
      }
      const needed = builtinSpec(tool.builtin)?.scope;
      if (needed && scopeRank(tool.scope) < scopeRank(needed)) {
        findings.warn('semantic', 'BUILTIN_SCOPE_UNDERSTATED', path, `builtin ${tool.builtin} acts at scope ${needed}, but spec.tools[${tool.index}].scope says ${tool.scope}`);
        findings.suggest(path, `declare scope ${needed} for ${tool.builtin}`, needed);
      }
    }
  },

  restrictedAutonomy(view, findings) {
    if (view.autonomyLevel !== 'restricted') return;
    for (const tool of view.tools) {
      if (tool.scope !== 'realWorld') continue;
      const path = pointer('spec', 'tools', tool.index, 'scope');
      findings.error('semantic', 'RESTRICTED_REAL_WORLD_TOOL', path, `autonomy level "restricted" forbids realWorld tools, but spec.tools[${tool.index}] ("${tool.name ?? '?'}") is realWorld`);
      findings.suggest(pointer('spec', 'governance', 'autonomyLevel'), 'use autonomy level "supervised" to allow realWorld tools with approvals', 'supervised');
    }
  },

  /** `spec.triggers`: the rules of @af/blueprint-format (ids, cron and time zone as the triggers service's scheduler reads them, event subjects, webhook secrets, inputs). */
  triggers(view, findings) {
    for (const problem of checkTriggers(view.spec['triggers']).problems) {
      if (findings.hasErrorWithin(problem.path)) continue;
      findings.error('semantic', problem.code, problem.path, problem.message);
    }
  },

  jsonSchemas(view, findings, schemas) {
    for (const tool of view.tools) {
      if (!Object.hasOwn(tool.raw, 'inputSchema')) continue;
      reportProblems(schemas.check(tool.raw['inputSchema']), pointer('spec', 'tools', tool.index, 'inputSchema'), findings);
    }
    const output = view.section('output');
    if (Object.hasOwn(output, 'schema')) {
      const compiled = reportSchemaProblems(schemas, output['schema'], pointer('spec', 'output', 'schema'), findings);
      if (!compiled) return;
      asArray(view.spec['evals']).forEach((raw, index) => {
        const evalCase = asObject(raw);
        if (!evalCase || !Object.hasOwn(evalCase, 'expect')) return;
        // Plain expected fields are a partial output: they must fit the output schema. Pointers,
        // $schema and $predicates are checked by checkEvalExpectation (evalExpectations).
        const expect = asObject(evalCase['expect']);
        if (expect && Object.keys(expect).some((k) => k.startsWith('$') || k.startsWith('/') || k.includes('.'))) return;
        if (compiled(evalCase['expect'])) return;
        const first = compiled.errors?.[0];
        const path = pointer('spec', 'evals', index, 'expect') + (first?.instancePath ?? '');
        findings.error('semantic', 'EVAL_EXPECT_MISMATCH', path, `${humanPath(path)} does not fit spec.output.schema: ${first?.message ?? 'is invalid'}`);
      });
    }
  },

  /** `spec.evals[i].expect`: the expectation grammar of @af/blueprint-format (what the worker checks a case's output with). */
  evalExpectations(view, findings) {
    asArray(view.spec['evals']).forEach((raw, index) => {
      const evalCase = asObject(raw);
      if (!evalCase || !Object.hasOwn(evalCase, 'expect')) return;
      const base = pointer('spec', 'evals', index, 'expect');
      for (const problem of checkEvalExpectation(evalCase['expect'])) {
        const at = base + problem.path;
        if (findings.hasErrorWithin(at)) continue;
        findings.error('semantic', 'EVAL_EXPECT_INVALID', at, `${humanPath(at)}: ${problem.message}`);
      }
    });
  },

  modelRoutes(view, findings, _schemas, context) {
    const known = context.modelProviders;
    const seen = new Set<string>();
    asArray(view.section('model')['route']).forEach((raw, index) => {
      if (typeof raw !== 'string' || !raw.includes('/')) return;
      const path = pointer('spec', 'model', 'route', index);
      if (seen.has(raw)) findings.warn('semantic', 'DUPLICATE_MODEL_ROUTE', path, `spec.model.route lists "${raw}" twice`);
      seen.add(raw);
      const provider = raw.slice(0, raw.indexOf('/'));
      if (known.includes(provider)) return;
      findings.error('semantic', 'UNKNOWN_MODEL_PROVIDER', path, `spec.model.route[${index}] names provider "${provider}"; configured providers: ${known.join(', ')}`);
      const close = nearest(provider, known);
      if (close) findings.suggest(path, `did you mean \`${close}\`?`, `${close}${raw.slice(raw.indexOf('/'))}`);
    });
  },

  industryProfile(view, findings) {
    const profile = asString(view.spec['industryProfile']);
    if (profile === undefined || profile === '' || (KNOWN_INDUSTRY_PROFILES as readonly string[]).includes(profile)) return;
    const path = pointer('spec', 'industryProfile');
    findings.warn('semantic', 'UNKNOWN_INDUSTRY_PROFILE', path, `spec.industryProfile "${profile}" is not a known profile (${KNOWN_INDUSTRY_PROFILES.join(', ')}); generic behaviour applies`);
    const close = nearest(profile, KNOWN_INDUSTRY_PROFILES);
    if (close) findings.suggest(path, `did you mean \`${close}\`?`, close);
  },

  uniqueEvalNames(view, findings) {
    const first = new Map<string, number>();
    asArray(view.spec['evals']).forEach((raw, index) => {
      const name = asString(asObject(raw)?.['name']);
      if (name === undefined) return;
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, index);
      else findings.error('semantic', 'DUPLICATE_EVAL_NAME', pointer('spec', 'evals', index, 'name'), `eval name "${name}" is already used by spec.evals[${earlier}]`);
    });
  },

  networkAllowlist(view, findings) {
    const allowHosts = asArray(asObject(view.spec['network'])?.['allowHosts']);
    if (allowHosts.length > 0) return;
    const needs = view.tools.filter((t) => t.builtin === 'http.request' || (t.code !== undefined && /\bfetch\s*\(/.test(t.code)));
    for (const tool of needs) {
      const path = pointer('spec', 'tools', tool.index, tool.builtin === 'http.request' ? 'builtin' : 'code');
      findings.warn('semantic', 'NETWORK_WITHOUT_ALLOWLIST', path, `spec.tools[${tool.index}] makes HTTP requests, but spec.network.allowHosts is empty: every request will be refused`);
      findings.suggest('/spec/network/allowHosts', 'list the hosts this agent may call, e.g. api.example.com or *.example.com', ['api.example.com']);
    }
  },

  networkCredentials,

  toolCode(view, findings) {
    for (const tool of view.tools) {
      if (tool.code === undefined) continue;
      const path = pointer('spec', 'tools', tool.index, 'code');
      for (const p of typescriptSyntaxProblems(tool.code)) {
        findings.error('semantic', 'TOOL_CODE_SYNTAX', path, `spec.tools[${tool.index}].code line ${p.line}, column ${p.column}: ${p.message}`);
      }
    }
  },
};

function reportSchemaProblems(schemas: JsonSchemaCompiler, schema: unknown, path: string, findings: Findings) {
  const compiled = schemas.compile(schema);
  if (compiled.ok) return compiled.validate;
  reportProblems(compiled, path, findings);
  return undefined;
}

function reportProblems(result: CheckedSchema | CompiledSchema, path: string, findings: Findings) {
  if (result.ok) return;
  for (const problem of result.problems) {
    const at = path + problem.path;
    if (problem.code === 'UNSUPPORTED_PATTERN') findings.error('semantic', 'UNSUPPORTED_PATTERN', at, `${humanPath(at)}: ${problem.message}`);
    else findings.error('semantic', 'INVALID_JSON_SCHEMA', at, `${humanPath(at)} is not a valid JSON Schema: ${problem.message}`);
  }
}


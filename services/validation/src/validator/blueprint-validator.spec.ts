import { describe, expect, it } from '@jest/globals';
import { CONFIGURED_PROVIDERS, validBlueprint } from '../test/blueprint.builder.js';
import { ROLES } from '@af/contracts';
import { loadValidationConfig } from '../config.js';
import { BlueprintValidator } from './blueprint-validator.js';
import { blueprintSchema } from './schema-tier.js';
import type { Finding, PolicyCaller, Report } from './findings.js';

/** Tests poke into the document freely; the validator itself takes `unknown`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const blueprint = (): Doc => validBlueprint();


const sut = new BlueprintValidator(CONFIGURED_PROVIDERS);
const developer: PolicyCaller = { subject: 'dev@acme', roles: ['Developer'], permissions: [] };
const admin: PolicyCaller = { subject: 'admin@acme', roles: ['Administrator'], permissions: ['CrossOrgAccess'] };

function validate(change: (doc: Doc) => void, caller: PolicyCaller = developer): Report {
  const doc = blueprint();
  change(doc);
  return sut.validate(doc, caller);
}

const brief = (f: Finding) => ({ tier: f.tier, code: f.code, path: f.path });

describe(BlueprintValidator.name, () => {
  it('accepts the reference blueprint without findings', () => {
    const report = sut.validate(blueprint(), developer);
    expect(report).toEqual({ valid: true, errors: [], warnings: [], suggestions: [], omitted: 0 });
  });

  describe('schema tier', () => {
    it('names an invalid enum value with its allowed values, human path and JSON Pointer', () => {
      const report = validate((d) => (d.spec.tools[0].scope = 'global'));
      expect(report.valid).toBe(false);
      expect(report.errors).toContainEqual({
        tier: 'schema',
        code: 'SCHEMA_ENUM',
        path: '/spec/tools/0/scope',
        message: 'spec.tools[0].scope must be one of internal, external, realWorld',
        severity: 'error',
      });
    });

    it('suggests the near-miss enum value', () => {
      const report = validate((d) => (d.spec.tools[0].scope = 'realworld'));
      expect(report.suggestions).toContainEqual({ path: '/spec/tools/0/scope', message: 'did you mean `realWorld`?', replacementJson: '"realWorld"' });
    });

    it('reports missing required fields at the missing property', () => {
      const report = validate((d) => delete d.spec.goal);
      expect(report.errors.map(brief)).toEqual([{ tier: 'schema', code: 'SCHEMA_REQUIRED', path: '/spec/goal' }]);
      expect(report.errors[0]!.message).toBe('spec.goal is required');
    });

    it('rejects unknown properties and suggests the near-miss name', () => {
      const report = validate((d) => {
        d.spec.actions.maxAllowedScopes = 'external';
        delete d.spec.actions.maxAllowedScope;
      });
      expect(report.errors.map(brief)).toContainEqual({ tier: 'schema', code: 'SCHEMA_UNKNOWN_PROPERTY', path: '/spec/actions/maxAllowedScopes' });
      expect(report.suggestions).toContainEqual({ path: '/spec/actions/maxAllowedScopes', message: 'did you mean `maxAllowedScope`?', replacementJson: '"maxAllowedScope"' });
    });

    it('allows any keys in labels, prompt variables, eval input and user JSON Schemas', () => {
      const report = validate((d) => {
        d.metadata.labels['anything.goes/here'] = 'x';
        d.spec.prompt.variables.extra = { nested: [1, 2] };
        d.spec.prompt.user += ' {{extra}}';
        d.spec.evals[0].input.whatever = { deep: true };
        d.spec.tools[0].inputSchema.properties.other = { type: 'integer', 'x-custom': 1 };
      });
      expect(report.errors).toEqual([]);
    });

    it('checks apiVersion and kind as constants', () => {
      const report = validate((d) => {
        d.apiVersion = 'v1';
        d.kind = 'Agent';
      });
      expect(report.errors.map(brief)).toEqual([
        { tier: 'schema', code: 'SCHEMA_CONST', path: '/apiVersion' },
        { tier: 'schema', code: 'SCHEMA_CONST', path: '/kind' },
      ]);
      expect(report.errors[0]!.message).toBe('apiVersion must be "agentfactory.io/v1"');
    });

    it('requires metadata.name to be a DNS label and suggests one', () => {
      const report = validate((d) => (d.metadata.name = 'Lead Qualifier!'));
      expect(report.errors.map(brief)).toEqual([{ tier: 'schema', code: 'SCHEMA_PATTERN', path: '/metadata/name' }]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/metadata/name', replacementJson: '"lead-qualifier"' }));
      expect(validate((d) => (d.metadata.name = 'a'.repeat(64))).errors.map(brief)).toEqual([{ tier: 'schema', code: 'SCHEMA_LENGTH', path: '/metadata/name' }]);
    });

    it('bounds temperature, confidence and cost', () => {
      const report = validate((d) => {
        d.spec.model.temperature = 2.5;
        d.spec.output.minConfidence = -0.1;
        d.spec.model.maxCostUsdPerRun = 0;
      });
      expect(report.errors.map(brief)).toEqual([
        { tier: 'schema', code: 'SCHEMA_RANGE', path: '/spec/model/maxCostUsdPerRun' },
        { tier: 'schema', code: 'SCHEMA_RANGE', path: '/spec/model/temperature' },
        { tier: 'schema', code: 'SCHEMA_RANGE', path: '/spec/output/minConfidence' },
      ]);
      expect(report.errors[1]!.message).toBe('spec.model.temperature must be <= 2');
    });

    it('requires exactly one of code or builtin on a tool', () => {
      const both = validate((d) => (d.spec.tools[0].builtin = 'http.request'));
      expect(both.errors.map(brief)).toEqual([{ tier: 'schema', code: 'SCHEMA_EXACTLY_ONE', path: '/spec/tools/0' }]);
      expect(both.errors[0]!.message).toBe('spec.tools[0] must define exactly one of code or builtin (both are set)');
      const neither = validate((d) => delete d.spec.tools[1].builtin);
      expect(neither.errors.map(brief)).toEqual([{ tier: 'schema', code: 'SCHEMA_EXACTLY_ONE', path: '/spec/tools/1' }]);
    });

    it('checks tool names and builtins', () => {
      const report = validate((d) => {
        d.spec.tools[0].name = 'Score Lead';
        d.spec.tools[1].builtin = 'http.get';
      });
      expect(report.errors.map(brief)).toEqual([
        { tier: 'schema', code: 'SCHEMA_PATTERN', path: '/spec/tools/0/name' },
        { tier: 'schema', code: 'SCHEMA_ENUM', path: '/spec/tools/1/builtin' },
      ]);
    });

    it('checks each trigger type for its own fields', () => {
      const report = validate((d) => {
        d.spec.triggers = [{ type: 'api', cron: '* * * * *' }, { type: 'schedule' }, { type: 'event', subjet: 'x.y' }, { type: 'email' }];
      });
      expect(report.errors.map(brief)).toEqual([
        { tier: 'schema', code: 'SCHEMA_UNKNOWN_PROPERTY', path: '/spec/triggers/0/cron' },
        { tier: 'schema', code: 'SCHEMA_REQUIRED', path: '/spec/triggers/1/cron' },
        { tier: 'schema', code: 'SCHEMA_REQUIRED', path: '/spec/triggers/2/subject' },
        { tier: 'schema', code: 'SCHEMA_UNKNOWN_PROPERTY', path: '/spec/triggers/2/subjet' },
        { tier: 'schema', code: 'SCHEMA_ENUM', path: '/spec/triggers/3/type' },
      ]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/triggers/2/subjet', replacementJson: '"subject"' }));
    });

    it('checks label keys and value types', () => {
      const report = validate((d) => {
        d.metadata.labels = { 'bad key!': 'x', ok: 5 };
      });
      expect(report.errors.map(brief)).toEqual([
        { tier: 'schema', code: 'SCHEMA_PROPERTY_NAME', path: '/metadata/labels/bad key!' },
        { tier: 'schema', code: 'SCHEMA_TYPE', path: '/metadata/labels/ok' },
      ]);
      expect(report.errors[1]!.message).toBe('metadata.labels.ok must be a string');
    });

    it('escapes JSON Pointer segments', () => {
      const report = validate((d) => (d.spec['a/b~c'] = 1));
      expect(report.errors.map(brief)).toEqual([{ tier: 'schema', code: 'SCHEMA_UNKNOWN_PROPERTY', path: '/spec/a~1b~0c' }]);
      expect(report.errors[0]!.message).toMatch(/^spec\["a\/b~c"\] is not a known property/);
    });
  });

  describe('semantic tier', () => {
    it('warns when a tool makes HTTP requests but no host is allowed, and suggests the allowlist', () => {
      const report = validate((d) => {
        delete d.spec.network; // the reference blueprint's fetch-listing tool is an http.request builtin
        d.spec.tools[0].code = 'export default async function () { const r = await fetch("https://api.example.com"); return { score: r.status }; }';
      });
      const last = report.warnings.filter((w) => w.code === 'NETWORK_WITHOUT_ALLOWLIST').map(brief);
      expect(last).toEqual([
        { tier: 'semantic', code: 'NETWORK_WITHOUT_ALLOWLIST', path: '/spec/tools/0/code' },
        { tier: 'semantic', code: 'NETWORK_WITHOUT_ALLOWLIST', path: expect.stringMatching(/^\/spec\/tools\/\d+\/builtin$/) },
      ]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/network/allowHosts' }));
      const allowed = validate((d) => (d.spec.network = { allowHosts: ['api.example.com'] }));
      expect(allowed.warnings.map((w) => w.code)).not.toContain('NETWORK_WITHOUT_ALLOWLIST');
    });

    it('reports template variables that are neither defined nor input.*, and suggests adding them', () => {
      const report = validate((d) => (d.spec.prompt.user = 'Hello {{lead_name}}, re {{input.topic}}'));
      expect(report.errors).toEqual([
        {
          tier: 'semantic',
          code: 'UNDEFINED_VARIABLE',
          path: '/spec/prompt/user',
          message: 'spec.prompt.user uses {{lead_name}} (line 1, column 7) but "lead_name" is not defined in spec.prompt.variables and is not input.*',
          severity: 'error',
        },
      ]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/prompt/variables/lead_name', replacementJson: '""' }));
    });

    it('suggests the near-miss variable and warns about unused ones', () => {
      const report = validate((d) => (d.spec.prompt.system = 'You work for {{compnay}}.'));
      expect(report.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'UNDEFINED_VARIABLE', path: '/spec/prompt/system' }]);
      expect(report.suggestions).toContainEqual({ path: '/spec/prompt/system', message: 'did you mean {{company}}?', replacementJson: '"company"' });
      expect(report.warnings.map(brief)).toEqual([{ tier: 'semantic', code: 'UNUSED_VARIABLE', path: '/spec/prompt/variables/company' }]);
    });

    it('reports malformed templates with their position', () => {
      const report = validate((d) => (d.spec.prompt.user = 'line one\nHi {{input.name'));
      expect(report.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'MALFORMED_TEMPLATE', path: '/spec/prompt/user' }]);
      expect(report.errors[0]!.message).toBe('spec.prompt.user has "{{" that is never closed with "}}" at line 2, column 4');
      expect(validate((d) => (d.spec.prompt.user = '{{ 1 + 2 }}')).errors.map((f) => f.code)).toEqual(['MALFORMED_TEMPLATE']);
    });

    it('requires unique tool names', () => {
      const report = validate((d) => (d.spec.tools[2].name = 'score_lead'));
      expect(report.errors.map(brief)).toContainEqual({ tier: 'semantic', code: 'DUPLICATE_TOOL_NAME', path: '/spec/tools/2/name' });
    });

    it('requires requireApproval to name existing tools, with a did-you-mean', () => {
      const report = validate((d) => d.spec.actions.requireApproval.push('score_leads'));
      expect(report.errors).toEqual([
        {
          tier: 'semantic',
          code: 'UNKNOWN_APPROVAL_TOOL',
          path: '/spec/actions/requireApproval/1',
          message: 'spec.actions.requireApproval names "score_leads", which is not a tool of this blueprint; did you mean `score_lead`?',
          severity: 'error',
        },
      ]);
      expect(report.suggestions).toContainEqual({ path: '/spec/actions/requireApproval/1', message: 'did you mean `score_lead`?', replacementJson: '"score_lead"' });
    });

    it('keeps every tool scope within maxAllowedScope (default external)', () => {
      const report = validate((d) => (d.spec.actions.maxAllowedScope = 'internal'));
      expect(report.errors.map(brief)).toEqual([
        { tier: 'semantic', code: 'TOOL_SCOPE_EXCEEDS_MAX', path: '/spec/tools/1/scope' },
        { tier: 'semantic', code: 'TOOL_SCOPE_EXCEEDS_MAX', path: '/spec/tools/2/scope' },
      ]);
      expect(report.errors[0]!.message).toBe('spec.tools[1].scope external exceeds spec.actions.maxAllowedScope internal');
      const byDefault = validate((d) => {
        delete d.spec.actions.maxAllowedScope;
        d.spec.tools[0].scope = 'realWorld';
      });
      expect(byDefault.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'TOOL_SCOPE_EXCEEDS_MAX', path: '/spec/tools/0/scope' }]);
      expect(byDefault.errors[0]!.message).toContain('(the default)');
    });

    it('warns when a builtin is declared below the scope it acts at', () => {
      const report = validate((d) => (d.spec.tools[1].scope = 'internal'));
      expect(report.warnings.map(brief)).toEqual([{ tier: 'semantic', code: 'BUILTIN_SCOPE_UNDERSTATED', path: '/spec/tools/1/scope' }]);
      expect(report.valid).toBe(true);
    });

    it('forbids realWorld tools under restricted autonomy', () => {
      const report = validate(
        (d) => {
          d.spec.governance.autonomyLevel = 'restricted';
          d.spec.actions.maxAllowedScope = 'realWorld';
          d.spec.tools[0].scope = 'realWorld';
        },
        admin,
      );
      expect(report.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'RESTRICTED_REAL_WORLD_TOOL', path: '/spec/tools/0/scope' }]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/governance/autonomyLevel', replacementJson: '"supervised"' }));
    });

    it('validates cron expressions and time zones with the scheduler rules (@af/blueprint-format)', () => {
      const cron = (expr: string) => validate((d) => (d.spec.triggers[1].cron = expr));
      expect(cron('0 9 * * 1').valid).toBe(true);
      for (const bad of ['0 9 * *', '60 * * * *', '0 9 * * MON-XYZ', 'every monday']) {
        const report = cron(bad);
        expect(report.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'TRIGGER_CRON_INVALID', path: '/spec/triggers/1/cron' }]);
      }
      const tz = validate((d) => (d.spec.triggers[1].timezone = 'Mars/Olympus'));
      expect(tz.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'TRIGGER_TIMEZONE_INVALID', path: '/spec/triggers/1/timezone' }]);
    });

    it('checks event trigger subjects: patterns inside the tenant namespace, wildcards allowed', () => {
      const subject = (s: string) => validate((d) => (d.spec.triggers[2].subject = s)).errors.map(brief);
      expect(subject('crm.lead.*')).toEqual([]);
      expect(subject('crm.>')).toEqual([]);
      for (const bad of ['crm..lead', 'crm lead', '$JS.API.INFO', 'af.v1.runs.execute']) {
        expect(subject(bad)).toEqual([{ tier: 'semantic', code: 'TRIGGER_SUBJECT_INVALID', path: '/spec/triggers/2/subject' }]);
      }
    });

    it('requires input and output schemas to be valid JSON Schema', () => {
      const report = validate((d) => {
        d.spec.tools[0].inputSchema = { type: 'object', properties: { a: { type: 'strng' } } };
        d.spec.output.schema = { type: 'object', properties: { qualified: { $ref: '#/$defs/missing' } } };
      });
      expect(report.errors.map(brief)).toEqual([
        { tier: 'semantic', code: 'INVALID_JSON_SCHEMA', path: '/spec/tools/0/inputSchema/properties/a/type' },
        { tier: 'semantic', code: 'INVALID_JSON_SCHEMA', path: '/spec/output/schema' },
      ]);
      expect(validate((d) => (d.spec.output.schema = { type: 'string', pattern: '(' })).errors.map((f) => f.code)).toEqual(['INVALID_JSON_SCHEMA']);
    });

    it('accepts draft-07 user schemas and refuses unknown dialects', () => {
      expect(validate((d) => (d.spec.tools[0].inputSchema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' })).valid).toBe(true);
      expect(validate((d) => (d.spec.tools[0].inputSchema = { $schema: 'http://example.com/schema', type: 'object' })).errors.map(brief)).toEqual([
        { tier: 'semantic', code: 'INVALID_JSON_SCHEMA', path: '/spec/tools/0/inputSchema/$schema' },
      ]);
    });

    it('requires eval expectations to fit the output schema, at the failing field', () => {
      const report = validate((d) => (d.spec.evals[0].expect = { qualified: true, score: 'high' }));
      expect(report.errors).toEqual([
        {
          tier: 'semantic',
          code: 'EVAL_EXPECT_MISMATCH',
          path: '/spec/evals/0/expect/score',
          message: 'spec.evals[0].expect.score does not fit spec.output.schema: must be number',
          severity: 'error',
        },
      ]);
    });

    it('requires unique eval names', () => {
      const report = validate((d) => d.spec.evals.push({ ...d.spec.evals[0] }));
      expect(report.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'DUPLICATE_EVAL_NAME', path: '/spec/evals/1/name' }]);
    });

    it('requires known model providers, suggesting the near miss', () => {
      const report = validate((d) => (d.spec.model.route = ['opneai/gpt-4o', 'mistral/large', 'offline/echo', 'offline/echo']));
      expect(report.errors.map(brief)).toEqual([
        { tier: 'semantic', code: 'UNKNOWN_MODEL_PROVIDER', path: '/spec/model/route/0' },
        { tier: 'semantic', code: 'UNKNOWN_MODEL_PROVIDER', path: '/spec/model/route/1' },
      ]);
      expect(report.warnings.map(brief)).toEqual([{ tier: 'semantic', code: 'DUPLICATE_MODEL_ROUTE', path: '/spec/model/route/3' }]);
      expect(report.suggestions).toContainEqual({ path: '/spec/model/route/0', message: 'did you mean `openai`?', replacementJson: '"openai/gpt-4o"' });
    });

    it('reads the provider names from the configuration (AF_MODEL_PROVIDERS keys + offline), naming them in the finding', () => {
      const ollama = ['ollama/llama3', 'offline/echo'];
      const configured = new BlueprintValidator({ modelProviders: loadValidationConfig({ AF_MODEL_PROVIDERS: JSON.stringify({ ollama: { kind: 'openai' } }) }).models.providers });
      const doc = blueprint();
      doc.spec.model.route = ollama;
      expect(configured.validate(doc, developer).errors).toEqual([]);

      const bare = new BlueprintValidator({ modelProviders: loadValidationConfig({}).models.providers });
      const report = bare.validate(doc, developer);
      expect(report.errors.map(brief)).toEqual([{ tier: 'semantic', code: 'UNKNOWN_MODEL_PROVIDER', path: '/spec/model/route/0' }]);
      expect(report.errors[0]?.message).toBe('spec.model.route[0] names provider "ollama"; configured providers: offline');
      // The default validator knows only the built-in provider.
      expect(new BlueprintValidator().validate(doc, developer).errors.map((f) => f.path)).toEqual(['/spec/model/route/0']);
    });

    it('refuses an AF_MODEL_PROVIDERS that is not a JSON object, without needing the API key variables', () => {
      expect(() => loadValidationConfig({ AF_MODEL_PROVIDERS: '["openai"]' })).toThrow(/AF_MODEL_PROVIDERS.*JSON object/s);
      expect(() => loadValidationConfig({ AF_MODEL_PROVIDERS: '{' })).toThrow(/AF_MODEL_PROVIDERS.*must be JSON/s);
      expect(loadValidationConfig({ AF_MODEL_PROVIDERS: JSON.stringify({ openai: { apiKeyEnv: 'OPENAI_API_KEY_NOT_SET' } }) }).models.providers).toEqual(['offline', 'openai']);
    });

    it('warns about an unknown industry profile but stays valid', () => {
      const report = validate((d) => (d.spec.industryProfile = 'RealEstat'));
      expect(report.valid).toBe(true);
      expect(report.warnings.map(brief)).toEqual([{ tier: 'semantic', code: 'UNKNOWN_INDUSTRY_PROFILE', path: '/spec/industryProfile' }]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ replacementJson: '"RealEstate"' }));
    });

    it('reports TypeScript syntax errors of tool code with line and column', () => {
      const report = validate((d) => (d.spec.tools[0].code = 'export default function run(input) {\n  const x = ;\n  return x;\n}\n'));
      expect(report.errors).toEqual([
        { tier: 'semantic', code: 'TOOL_CODE_SYNTAX', path: '/spec/tools/0/code', message: 'spec.tools[0].code line 2, column 13: Expression expected.', severity: 'error' },
      ]);
    });

    it('accepts type errors (syntax only) and typed code', () => {
      expect(validate((d) => (d.spec.tools[0].code = 'const n: number = "x";\nexport default () => n;')).valid).toBe(true);
    });
  });

  describe('policy tier', () => {
    const realWorld = (d: Doc) => {
      d.spec.actions.maxAllowedScope = 'realWorld';
      d.spec.tools.push({ name: 'charge', scope: 'realWorld', builtin: 'payment.process' });
      d.spec.actions.requireApproval.push('charge');
    };

    it('lets only an Administrator use maxAllowedScope realWorld', () => {
      const report = validate(realWorld, developer);
      expect(report.errors).toEqual([
        {
          tier: 'policy',
          code: 'REAL_WORLD_REQUIRES_ADMINISTRATOR',
          path: '/spec/actions/maxAllowedScope',
          message: 'only the Administrator role may save or deploy a blueprint with spec.actions.maxAllowedScope realWorld',
          severity: 'error',
        },
      ]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/actions/maxAllowedScope', replacementJson: '"external"' }));
      expect(validate(realWorld, admin).valid).toBe(true);
    });

    it('requires CrossOrgAccess for crossOrganization context', () => {
      const report = validate((d) => (d.spec.context.accessLevel = 'crossOrganization'), developer);
      expect(report.errors.map(brief)).toEqual([{ tier: 'policy', code: 'CROSS_ORGANIZATION_NOT_PERMITTED', path: '/spec/context/accessLevel' }]);
      expect(report.suggestions).toContainEqual(expect.objectContaining({ replacementJson: '"organization"' }));
      expect(validate((d) => (d.spec.context.accessLevel = 'crossOrganization'), { subject: 'x', roles: [], permissions: ['CrossOrgAccess'] }).valid).toBe(true);
    });

    it('warns when a sensitive builtin runs without approval', () => {
      const report = validate((d) => (d.spec.actions.requireApproval = []));
      expect(report.valid).toBe(true);
      expect(report.warnings.map(brief)).toEqual([{ tier: 'policy', code: 'SENSITIVE_TOOL_WITHOUT_APPROVAL', path: '/spec/tools/2/builtin' }]);
      expect(report.suggestions).toContainEqual({ path: '/spec/actions/requireApproval/-', message: 'add "update_crm" to spec.actions.requireApproval', replacementJson: '"update_crm"' });
    });

    it('forbids an autonomous agent realWorld tools without approval', () => {
      const report = validate((d) => {
        realWorld(d);
        d.spec.governance.autonomyLevel = 'autonomous';
        d.spec.actions.requireApproval = ['update_crm'];
      }, admin);
      expect(report.errors.map(brief)).toEqual([{ tier: 'policy', code: 'AUTONOMOUS_REAL_WORLD_WITHOUT_APPROVAL', path: '/spec/tools/3/scope' }]);
      expect(report.warnings.map(brief)).toEqual([{ tier: 'policy', code: 'SENSITIVE_TOOL_WITHOUT_APPROVAL', path: '/spec/tools/3/builtin' }]);
      expect(report.suggestions).toContainEqual({ path: '/spec/actions/requireApproval/-', message: 'add "charge" to spec.actions.requireApproval', replacementJson: '"charge"' });
    });

    it('accepts spec.governance.approval within its bounds and refuses it outside them', () => {
      const ok = validate((d) => ((d.spec.governance as Record<string, unknown>)['approval'] = { quorum: 2, levels: [{ roles: ['Developer'], deadlineSeconds: 3600 }, { roles: ['Administrator'], deadlineSeconds: 86_400 }, { roles: [], deadlineSeconds: 60 }] }));
      expect(ok.valid).toBe(true);
      expect(ok.errors).toEqual([]);
      const bad = validate((d) => ((d.spec.governance as Record<string, unknown>)['approval'] = { quorum: 6, levels: [{ roles: ['Boss'], deadlineSeconds: 30 }], silently: true }));
      expect(bad.valid).toBe(false);
      const paths = bad.errors.filter((f) => f.tier === 'schema').map((f) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['/spec/governance/approval/quorum', '/spec/governance/approval/levels/0/roles/0', '/spec/governance/approval/levels/0/deadlineSeconds']));
      expect(paths.some((p) => p.startsWith('/spec/governance/approval'))).toBe(true);
    });

    it('lists exactly the roles of @af/contracts in the approval schema', () => {
      const governance = (blueprintSchema as { properties: { spec: { properties: { governance: { properties: { approval: { properties: { levels: { items: { properties: { roles: { items: { enum: string[] } } } } } } } } } } } } }).properties.spec.properties.governance.properties.approval.properties.levels.items.properties.roles.items.enum;
      expect(governance).toEqual([...ROLES]);
    });

    it('refuses an approval level whose roles cannot approve (ApproveRealWorld when the agent has realWorld tools)', () => {
      const viewers = validate((d) => ((d.spec.governance as Record<string, unknown>)['approval'] = { levels: [{ roles: ['Viewer'], deadlineSeconds: 600 }] }));
      expect(viewers.errors.map(brief)).toEqual([{ tier: 'policy', code: 'APPROVAL_LEVEL_CANNOT_APPROVE', path: '/spec/governance/approval/levels/0/roles' }]);
      expect(viewers.suggestions).toContainEqual({ path: '/spec/governance/approval/levels/0/roles', message: 'let Developer or ProductManager or Administrator decide at this level', replacementJson: '["Administrator"]' });
      const managers = validate((d) => {
        realWorld(d);
        (d.spec.governance as Record<string, unknown>)['approval'] = { levels: [{ roles: ['Administrator'], deadlineSeconds: 600 }, { roles: ['ProductManager', 'Developer'], deadlineSeconds: 600 }] };
      }, admin);
      expect(managers.errors.map(brief)).toEqual([{ tier: 'policy', code: 'APPROVAL_LEVEL_CANNOT_APPROVE', path: '/spec/governance/approval/levels/1/roles' }]);
      expect(managers.errors[0]?.message).toContain('ApproveRealWorld');
    });

    it('treats a missing caller as one without roles or permissions', () => {
      const doc = blueprint();
      realWorld(doc);
      expect(sut.validate(doc).errors.map((f) => f.code)).toEqual(['REAL_WORLD_REQUIRES_ADMINISTRATOR']);
    });
  });

  describe('totality', () => {
    it('reports a non-object document instead of throwing', () => {
      for (const value of [null, 1, 'x', true, [], [1, 2], undefined]) {
        const report = sut.validate(value, developer);
        expect(report.valid).toBe(false);
        expect(report.errors.map(brief)).toEqual([{ tier: 'schema', code: 'DOCUMENT_NOT_OBJECT', path: '' }]);
      }
    });

    it('refuses documents nested too deeply', () => {
      let deep: unknown = {};
      for (let i = 0; i < 10_000; i++) deep = { a: deep };
      const doc = blueprint();
      doc.spec.evals[0].input = deep;
      expect(sut.validate(doc, developer).errors.map(brief)).toEqual([{ tier: 'schema', code: 'DOCUMENT_TOO_DEEP', path: '' }]);
    });

    it('survives wrong shapes everywhere the rules look', () => {
      const report = sut.validate({ spec: { tools: [null, 1, { name: 5 }], actions: { requireApproval: 'x' }, prompt: 7, triggers: {}, evals: [null], model: { route: 'x' } } }, developer);
      expect(report.valid).toBe(false);
      expect(report.errors.every((f) => f.tier === 'schema')).toBe(true);
    });
  });
});

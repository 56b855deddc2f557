import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode } from '@af/errors';
import { leadQualifier } from '../test/harness.js';
import { compileBlueprint } from './blueprint.compiler.js';
import { canonicalJson, sha256 } from './canonical-json.js';

const identity = { name: 'lead-qualifier', version: 3, contentHash: 'sha256:' + 'a'.repeat(64) };
const hashOf = async (doc: unknown) => sha256(canonicalJson(await compileBlueprint(doc, identity)));

async function compileError(doc: unknown): Promise<AppError> {
  const error = await compileBlueprint(doc, identity).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe(compileBlueprint.name, () => {
  it('resolves identity, templates, schemas, policy and model route', async () => {
    const sut = await compileBlueprint(leadQualifier(), identity);
    expect(sut).toMatchObject({
      format: 'af.artifact/v1',
      blueprint: { ...identity, description: 'Qualifies inbound leads', labels: { team: 'sales' } },
      prompt: {
        system: [{ text: 'You qualify leads for ' }, { ref: ['company'] }, { text: '.' }],
        user: [{ text: 'Lead: ' }, { ref: ['input', 'message'] }],
        variables: { company: 'Acme' },
      },
      output: { schema: { required: ['qualified'] }, minConfidence: null },
      policy: { autonomyLevel: 'supervised', maxAllowedScope: null, requireApproval: [] },
      model: { route: ['offline/default'], maxCostUsdPerRun: 0.05 },
    });
    expect(sut.tools[0]).toMatchObject({ name: 'score_lead', scope: 'internal', kind: 'code', globalName: '__af_tool', requiresApproval: false });
  });

  it('transpiles TypeScript tool code into a script exposing the default export', async () => {
    const sut = await compileBlueprint(leadQualifier(), identity);
    const code = sut.tools[0]?.code ?? '';
    expect(code).not.toContain(': string');
    // The script only assigns a global; evaluating it is the worker's sandbox's job — here we just parse it.
    expect(() => new Function(`${code}; return __af_tool.default;`)).not.toThrow();
    const tool = new Function(`${code}; return __af_tool.default;`)() as (args: { message: string }) => unknown;
    expect(tool({ message: 'abc' })).toEqual({ score: 3 });
  });

  it('keeps builtins as platform handlers and marks the ones that need approval', async () => {
    const doc = leadQualifier();
    const spec = { ...doc.spec, actions: { maxAllowedScope: 'external', requireApproval: ['payment.process'] }, tools: [{ name: 'pay', builtin: 'payment.process', scope: 'financial' }] };
    const sut = await compileBlueprint({ ...doc, spec }, identity);
    expect(sut.tools).toEqual([{ name: 'pay', description: '', scope: 'financial', inputSchema: { type: 'object' }, kind: 'builtin', builtin: 'payment.process', requiresApproval: true }]);
    expect(sut.policy).toEqual({ autonomyLevel: 'supervised', maxAllowedScope: 'external', requireApproval: ['payment.process'] });
  });

  it('compiles spec.governance.approval into policy.approval, and leaves the key out (and the hash alone) without it', async () => {
    const plain = await compileBlueprint(leadQualifier(), identity);
    expect(Object.keys(plain.policy).sort()).toEqual(['autonomyLevel', 'maxAllowedScope', 'requireApproval']);
    const withApproval = leadQualifier() as { spec: { governance: Record<string, unknown> } };
    withApproval.spec.governance['approval'] = { quorum: 2, levels: [{ roles: ['Developer', 'Developer', 'Administrator'], deadlineSeconds: 3600 }, { roles: [], deadlineSeconds: 60 }] };
    const sut = await compileBlueprint(withApproval, identity);
    expect(sut.policy.approval).toEqual({ quorum: 2, levels: [{ roles: ['Developer', 'Administrator'], deadlineSeconds: 3600 }, { roles: [], deadlineSeconds: 60 }] });
    expect(await hashOf(withApproval)).not.toBe(await hashOf(leadQualifier()));

    withApproval.spec.governance['approval'] = { levels: [{ roles: ['Boss'], deadlineSeconds: 3600 }] };
    expect(await compileError(withApproval)).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/governance/approval/levels/0/roles/0' });
    withApproval.spec.governance['approval'] = { quorum: 9 };
    expect(await compileError(withApproval)).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/governance/approval/quorum' });
    withApproval.spec.governance['approval'] = { levels: [{ roles: ['Administrator'], deadlineSeconds: 59 }] };
    expect(await compileError(withApproval)).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/governance/approval/levels/0/deadlineSeconds' });
  });

  it('compiles spec.context (access level, memory tiers, read-only) and leaves the key out (and the hash alone) without it', async () => {
    const plain = await compileBlueprint(leadQualifier(), identity);
    expect('context' in plain).toBe(false);
    const withContext = leadQualifier() as { spec: Record<string, unknown> };
    withContext.spec['context'] = { accessLevel: 'team', memory: { working: true, episodic: { lookback: '30d' }, semantic: { topK: 3 }, readOnly: true } };
    const sut = await compileBlueprint(withContext, identity);
    expect(sut.context).toEqual({ accessLevel: 'team', memory: { working: true, episodic: { lookback: '30d' }, semantic: { topK: 3 }, readOnly: true } });
    expect(await hashOf(withContext)).not.toBe(await hashOf(leadQualifier()));
    withContext.spec['context'] = { memory: { episodic: { lookback: 'forever' } } };
    expect(await compileError(withContext)).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/context/memory/episodic/lookback' });
    withContext.spec['context'] = { accessLevel: 'everyone' };
    expect(await compileError(withContext)).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/context/accessLevel' });
  });

  it('yields the same hash for the same blueprint, whatever its key order, and another for any change', async () => {
    const a = await hashOf(leadQualifier());
    const reordered = JSON.parse(canonicalJson(leadQualifier())) as unknown;
    expect(await hashOf(reordered)).toBe(a);
    expect(await hashOf(leadQualifier({ toolCode: 'export default () => ({ score: 1 })' }))).not.toBe(a);
  });

  it('reports a tool that does not compile with its path and the line/column inside the tool code', async () => {
    const error = await compileError(leadQualifier({ toolCode: 'export default function (x: number) {\n  return x +;\n}' }));
    expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/code' });
    expect(error.message).toMatch(/tool "score_lead" does not compile: line 2, column \d+: /);
    expect(error.details).toMatchObject({ errors: [{ line: 2, lineText: '  return x +;' }] });
  });

  it('type-checks tool code against its inputSchema, with the position inside the author\'s code', async () => {
    const onString = await compileError(leadQualifier({ toolCode: 'export default function ({ message }) {\n  const n = 1;\n  return { score: message.foo() + n };\n}' }));
    expect(onString).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/code', details: { errors: [{ line: 3, column: 27, message: "Property 'foo' does not exist on type 'string'.", lineText: '  return { score: message.foo() + n };' }] } });
    expect(onString.message).toMatch(/^tool "score_lead" does not type-check against its inputSchema: line 3, column 27: /);

    // A parameter the schema does not guarantee (required `seats` is not in the schema).
    const missing = await compileError(leadQualifier({ toolCode: 'export default function score({ message, seats }: { message: string; seats: number }) {\n  return { score: seats + message.length };\n}' }));
    expect(missing).toMatchObject({ path: '/spec/tools/0/code', details: { errors: [{ line: 1, column: 25, message: expect.stringContaining("Property 'seats' is missing") }] } });
    // An arrow function, a typo'd property (unknown → error when used), and optional properties.
    expect(await compileError(leadQualifier({ toolCode: 'export default ({ mesage }) => ({ score: mesage.length })' }))).toMatchObject({ details: { errors: [{ line: 1, column: 42 }] } });
    const doc = leadQualifier({ toolCode: 'export default async ({ message, seats }) => ({ score: message.length + seats })' });
    doc.spec.tools[0]!.inputSchema = { type: 'object', properties: { message: { type: 'string' }, seats: { type: 'integer' } }, required: ['message'] } as never;
    expect(await compileError(doc)).toMatchObject({ details: { errors: [{ message: "'seats' is possibly 'undefined'." }] } });
    // No default export; the sandbox has no timers.
    expect(await compileError(leadQualifier({ toolCode: 'export const score = 1;' }))).toMatchObject({ details: { errors: [{ line: 1, column: 1, message: expect.stringContaining('must export a default function') }] } });
    expect(await compileError(leadQualifier({ toolCode: 'export default () => {\n  setTimeout(() => 1, 1);\n}' }))).toMatchObject({ details: { errors: [{ line: 2, column: 3, message: "Cannot find name 'setTimeout'." }] } });
  });

  it('accepts untyped JavaScript, typed TypeScript and the sandbox bridges', async () => {
    for (const toolCode of [
      'export default function ({ message }) { return { score: Math.min(100, message.length) }; }',
      'export default function score({ message }) { return { score: helper(message) }; }\nfunction helper(x) { return x.length; }',
      'const f = (input: { message: string }) => ({ score: input.message.length });\nexport { f as default };',
      'export default async ({ message }) => {\n  const r = await fetch("https://api.example.com/" + message, { method: "POST", body: "{}" });\n  const past = await memory.recall({ query: message, limit: 3 });\n  return { score: r.status + past.length, seen: past.map((e) => e.summary) };\n}',
    ]) {
      await expect(compileBlueprint(leadQualifier({ toolCode }), identity)).resolves.toMatchObject({ tools: [{ kind: 'code' }] });
    }
  });

  it('compiles schemas to validators and refuses one that does not compile, and keeps the network allowlist', async () => {
    const doc = leadQualifier();
    const badOutput = { ...doc, spec: { ...doc.spec, output: { schema: { type: 'object', properties: { a: { type: 'strng' } } } } } };
    expect(await compileError(badOutput)).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/output/schema/properties/a/type' });
    const withNetwork = { ...doc, spec: { ...doc.spec, network: { allowHosts: ['API.example.com', '*.crm.io', 'api.example.com'] } } };
    expect((await compileBlueprint(withNetwork, identity)).network).toEqual({ allowHosts: ['*.crm.io', 'api.example.com'] });
    expect(await compileError({ ...doc, spec: { ...doc.spec, network: { allowHosts: ['http://x.io/'] } } })).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/network/allowHosts/0' });
  });

  it('refuses imports in tool code, unknown builtins and prompt references to nothing', async () => {
    expect(await compileError(leadQualifier({ toolCode: "import fs from 'node:fs';\nexport default () => fs.readFileSync('/etc/passwd', 'utf8');" }))).toMatchObject({
      code: ErrorCode.ValidationFailed,
      path: '/spec/tools/0/code',
    });
    const doc = leadQualifier();
    expect(await compileError({ ...doc, spec: { ...doc.spec, tools: [{ name: 'x', builtin: 'shell.exec' }] } })).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/spec/tools/0/builtin' });
    expect(await compileError({ ...doc, spec: { ...doc.spec, prompt: { system: 'Hi {{nobody}}' } } })).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/prompt/system' });
  });
});

describe('artifact hash across processes', () => {
  const root = join(import.meta.dirname, '..', '..');
  const compiler = join(root, 'dist', 'artifacts', 'blueprint.compiler.js');

  beforeAll(() => {
    // The child runs the built compiler; build it (incremental, usually a no-op) so it matches these sources.
    execFileSync(process.execPath, [join(root, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'tsconfig.app.json')], { stdio: 'inherit' });
  }, 120_000);

  it('is byte for byte the same when another Node process compiles the same blueprint', async () => {
    expect(existsSync(compiler)).toBe(true);
    const script = `
      const { compileBlueprint } = await import(${JSON.stringify(compiler)});
      const { canonicalJson, sha256 } = await import(${JSON.stringify(join(root, 'dist', 'artifacts', 'canonical-json.js'))});
      const [doc, id] = JSON.parse(process.argv[1]);
      process.stdout.write(sha256(canonicalJson(await compileBlueprint(doc, id))));`;
    const there = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([leadQualifier(), identity])], { encoding: 'utf8', cwd: root });
    expect(there).toBe(await hashOf(leadQualifier()));
  });
});

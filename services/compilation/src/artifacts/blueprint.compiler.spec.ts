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

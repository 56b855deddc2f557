import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { JsonSchemaCompiler } from '@af/blueprint-format';
import { typescriptSyntaxProblems } from './typescript-syntax.js';

/** The reference: what transpileModule (the slow path the parser replaces) reports. */
function transpileProblems(code: string) {
  const out = ts.transpileModule(code, { fileName: 'tool.ts', reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, isolatedModules: true } });
  return (out.diagnostics ?? [])
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .slice(0, 5)
    .map((d) => {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start!);
      return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
    });
}

describe(typescriptSyntaxProblems.name, () => {
  it.each([
    'export default function run(input) {\n  const x = ;\n  return x;\n}\n',
    'export default async (i: { a: string }) => ({ ok: i.a.length > 1 });',
    'const = 1;\nlet y: = 2;\nfunction (',
    'class A { constructor(private x: number) {} }\nexport default () => new A(1);',
    'export default function run(input: { message: string }) {\n  return { score: input.message.length > 10 ? 0.9 : 0.1 ;\n}',
    '}}}}}}}',
    '',
  ])('reports exactly what transpileModule reports for %j', (code) => {
    expect(typescriptSyntaxProblems(code)).toEqual(transpileProblems(code));
  });
});

describe(JsonSchemaCompiler.name, () => {
  it('compiles each distinct schema once (canonical key), and bounds what it keeps', () => {
    const sut = new JsonSchemaCompiler({ maxEntries: 2 });
    const a = sut.compile({ type: 'object', properties: { x: { type: 'string' } } });
    const again = sut.compile({ properties: { x: { type: 'string' } }, type: 'object' });
    expect(again).toBe(a);
    expect(a.ok && a.validate({ x: 1 })).toBe(false);
    sut.compile({ type: 'string' });
    sut.compile({ type: 'number' });
    expect(sut.cached).toBe(2);
    expect(sut.compile({ type: 'object', properties: { x: { type: 'string' } } })).not.toBe(a);
  });

  it('keeps refusals too, with their problems', () => {
    const sut = new JsonSchemaCompiler();
    const first = sut.compile({ type: 'strng' });
    expect(first).toMatchObject({ ok: false, problems: [{ path: '/type' }] });
    expect(sut.compile({ type: 'strng' })).toBe(first);
    expect(sut.compile({ $ref: '#/$defs/missing' })).toMatchObject({ ok: false });
  });
});

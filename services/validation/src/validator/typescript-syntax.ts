import ts from 'typescript';

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

const MAX_PROBLEMS = 5;

/** Syntax errors of a TypeScript tool body (no type check: the code runs isolated), 1-based positions. */
export function typescriptSyntaxProblems(code: string): SyntaxProblem[] {
  const output = ts.transpileModule(code, {
    fileName: 'tool.ts',
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, isolatedModules: true, noEmit: false },
  });
  const problems: SyntaxProblem[] = [];
  for (const diagnostic of output.diagnostics ?? []) {
    if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file && diagnostic.start !== undefined) {
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      problems.push({ line: line + 1, column: character + 1, message });
    } else {
      problems.push({ line: 1, column: 1, message });
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}

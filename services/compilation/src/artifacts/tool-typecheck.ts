import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { schemaToType } from './schema-types.js';

/** One tool's TypeScript source and the schema its input is checked against. */
export interface ToolSource {
  index: number;
  name: string;
  code: string;
  inputSchema: unknown;
}

/** A type error inside a tool's own code (1-based line and column of the author's source). */
export interface TypeProblem {
  line: number;
  column: number;
  message: string;
  lineText: string;
}

const MAX_PROBLEMS = 5;
const LIB_DIR = dirname(ts.getDefaultLibFilePath({}));
const LIB_ENTRY = join(LIB_DIR, 'lib.es2022.d.ts');
const SANDBOX_DTS = '/af/sandbox.d.ts';
const INPUT_TYPE = '__AfInput';
const TOOL_TYPE = '__AfTool';

/**
 * What tool code can reach in the worker's sandbox (ES2022, no DOM, no Node), declared once:
 * the audited bridges `fetch` (allow-listed hosts only) and `memory.recall|remember|search`, and `console` (V8's,
 * a no-op there). Kept in step with services/worker/src/tools/sandbox.ts.
 */
const SANDBOX_GLOBALS = `
interface AfFetchInit { method?: string; headers?: Record<string, string>; body?: string }
interface AfResponse {
  readonly ok: boolean; readonly status: number; readonly statusText: string; readonly url: string; readonly redirected: boolean;
  readonly headers: { get(name: string): string | null; has(name: string): boolean; entries(): [string, string][] };
  text(): Promise<string>;
  json(): Promise<unknown>;
}
interface AfEpisode { runId: string; summary: string; outcome: string; occurredAt: string; version: number }
declare function fetch(url: string, init?: AfFetchInit): Promise<AfResponse>;
interface AfMemoryItem { id: string; tier: string; content: string; score: number; subjectId: string; agent: string; source: string; metadata: unknown; createdAt: string; entities: string[]; neighbours: string[] }
declare const memory: {
  recall(options?: { query?: string; limit?: number }): Promise<AfEpisode[]>;
  remember(options: { content: string; subjectId?: string; metadata?: Record<string, unknown> }): Promise<{ id: string; entities: string[]; created: boolean }>;
  search(options: { query: string; tier?: 'working' | 'episodic' | 'semantic'; limit?: number }): Promise<AfMemoryItem[]>;
};
declare const console: { log(...data: unknown[]): void; info(...data: unknown[]): void; warn(...data: unknown[]): void; error(...data: unknown[]): void; debug(...data: unknown[]): void };
`;

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  // Plain JavaScript tool code (untyped helpers) stays valid; the default export's input is typed.
  noImplicitAny: false,
  noEmit: true,
  noResolve: true,
  skipLibCheck: true,
  skipDefaultLibCheck: true,
};

/**
 * The standard library declarations, parsed once per process and shared by every program (a
 * SourceFile is immutable; the binder's results on it are reused too). This is what keeps a
 * type check of a 10-tool blueprint in the tens of milliseconds instead of hundreds.
 */
const libFiles = new Map<string, ts.SourceFile>();

function libFile(fileName: string): ts.SourceFile | undefined {
  let file = libFiles.get(fileName);
  if (!file) {
    let text: string;
    if (fileName === SANDBOX_DTS) text = SANDBOX_GLOBALS;
    else if (fileName.startsWith(LIB_DIR) && fileName.endsWith('.d.ts')) text = readFileSync(fileName, 'utf8');
    else return undefined;
    file = ts.createSourceFile(fileName, text, { languageVersion: ts.ScriptTarget.ES2022, impliedNodeFormat: ts.ModuleKind.ESNext }, false);
    libFiles.set(fileName, file);
  }
  return file;
}

/** A tool's source as the checker sees it: the author's code plus insertions that we map back. */
interface Prepared {
  tool: ToolSource;
  fileName: string;
  text: string;
  /** Insertions into the author's source, by original offset (ascending). */
  insertions: { at: number; length: number }[];
  /** Problems found before type checking (no default export). */
  early: TypeProblem[];
  /** Where an error in the appended checks points: the default export. */
  anchor: number;
}

/**
 * Type-checks tool code against the TypeScript type generated from its `inputSchema`: the default
 * export must accept that input, and an untyped parameter takes that type (so `message.foo()` on
 * a string, or reading a property the schema does not guarantee, is an error). One program checks
 * all tools of a blueprint; the standard library is parsed once per process. `onTool` is told which
 * tool is about to be checked (the pool uses it to attribute a deadline overrun to a tool).
 *
 * Synchronous and unbounded in time: the service runs it only in a worker thread, under a deadline
 * (tool-typecheck.pool.ts).
 */
export function typeCheckTools(tools: readonly ToolSource[], onTool?: (index: number) => void): Map<number, TypeProblem[]> {
  const problems = new Map<number, TypeProblem[]>();
  if (tools.length === 0) return problems;
  const prepared = tools.map(prepare);
  const byName = new Map(prepared.map((p) => [p.fileName, p]));
  const host: ts.CompilerHost = {
    getSourceFile: (fileName) => {
      const own = byName.get(fileName);
      if (own) return ts.createSourceFile(fileName, own.text, { languageVersion: ts.ScriptTarget.ES2022, impliedNodeFormat: ts.ModuleKind.ESNext }, false, ts.ScriptKind.TS);
      return libFile(fileName);
    },
    getDefaultLibFileName: () => LIB_ENTRY,
    getDefaultLibLocation: () => LIB_DIR,
    writeFile: () => undefined,
    getCurrentDirectory: () => '/af',
    getDirectories: () => [],
    fileExists: (fileName) => byName.has(fileName) || fileName === SANDBOX_DTS || (fileName.startsWith(LIB_DIR) && fileName.endsWith('.d.ts')),
    readFile: (fileName) => byName.get(fileName)?.text,
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
  };
  const program = ts.createProgram({ rootNames: [SANDBOX_DTS, ...byName.keys()], options: OPTIONS, host });
  for (const p of prepared) {
    onTool?.(p.tool.index);
    const found = [...p.early];
    const file = program.getSourceFile(p.fileName);
    if (file && found.length === 0) {
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        if (d.category !== ts.DiagnosticCategory.Error) continue;
        found.push(toProblem(p, d.start ?? 0, ts.flattenDiagnosticMessageText(d.messageText, ' ')));
        if (found.length >= MAX_PROBLEMS) break;
      }
    }
    if (found.length > 0) problems.set(p.tool.index, found);
  }
  return problems;
}

/** Parses the standard library now (at boot), so the first compile does not pay for it. */
export function warmUpTypeChecker(): void {
  typeCheckTools([{ index: 0, name: 'warm_up', code: 'export default ({ a }) => a.length;', inputSchema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } }]);
}

function prepare(tool: ToolSource): Prepared {
  const fileName = `/af/tool_${tool.index}.ts`;
  const source = ts.createSourceFile(fileName, tool.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { at: number; text: string }[] = [];
  const trailer: string[] = [`type ${INPUT_TYPE} = ${schemaToType(tool.inputSchema)};`, `type ${TOOL_TYPE} = (input: ${INPUT_TYPE}) => unknown;`];
  let found = false;
  let anchor = 0;

  for (const statement of source.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      // export default <expression>  →  export default (<expression>) satisfies __AfTool
      found = true;
      anchor = statement.expression.getStart(source);
      edits.push({ at: statement.expression.getStart(source), text: '(' }, { at: statement.expression.end, text: `) satisfies ${TOOL_TYPE}` });
    } else if (ts.isFunctionDeclaration(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword) && hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) {
      found = true;
      anchor = statement.name?.getStart(source) ?? statement.getStart(source);
      if (!statement.name) {
        // An anonymous default function becomes an expression, contextually typed by `satisfies`.
        const head = statement.modifiers?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? statement.getChildren(source).find((c) => c.kind === ts.SyntaxKind.FunctionKeyword);
        edits.push({ at: head?.getStart(source) ?? statement.getStart(source), text: '(' }, { at: statement.end, text: `) satisfies ${TOOL_TYPE}` });
      } else {
        // A named one may be referenced elsewhere: type an untyped first parameter, then check the function.
        const first = statement.parameters[0];
        if (first && !first.type && !first.dotDotDotToken) edits.push({ at: first.questionToken?.end ?? first.name.end, text: `: ${INPUT_TYPE}` });
        trailer.push(`;(${statement.name.text}) satisfies ${TOOL_TYPE};`);
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) && !statement.moduleSpecifier) {
      for (const element of statement.exportClause.elements) {
        if (element.name.text !== 'default') continue;
        found = true;
        anchor = element.getStart(source);
        trailer.push(`;(${(element.propertyName ?? element.name).getText(source)}) satisfies ${TOOL_TYPE};`);
      }
    }
  }

  edits.sort((a, b) => a.at - b.at);
  let text = '';
  let at = 0;
  for (const edit of edits) {
    text += tool.code.slice(at, edit.at) + edit.text;
    at = edit.at;
  }
  text += `${tool.code.slice(at)}\n${trailer.join('\n')}\n`;
  const early: TypeProblem[] = found ? [] : [{ line: 1, column: 1, message: 'tool code must export a default function: export default function (input) { … }', lineText: firstLine(tool.code, 0) }];
  return { tool, fileName, text, insertions: edits.map((e) => ({ at: e.at, length: e.text.length })), early, anchor };
}

function hasModifier(node: ts.FunctionDeclaration, kind: ts.SyntaxKind): boolean {
  return node.modifiers?.some((m) => m.kind === kind) ?? false;
}

/** Maps a position in the checked text back to the author's source, then to line and column. */
function toProblem(p: Prepared, position: number, message: string): TypeProblem {
  let shift = 0;
  let original = -1;
  for (const insertion of p.insertions) {
    const start = insertion.at + shift;
    if (position < start) break;
    if (position < start + insertion.length) {
      original = insertion.at;
      break;
    }
    shift += insertion.length;
  }
  if (original < 0) original = position - shift;
  // Past the author's code: one of the appended checks of the default export.
  if (original >= p.tool.code.length) original = p.anchor;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < original; i++) {
    if (p.tool.code.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: original - lineStart + 1, message, lineText: firstLine(p.tool.code, lineStart) };
}

function firstLine(code: string, from: number): string {
  const end = code.indexOf('\n', from);
  return code.slice(from, end < 0 ? undefined : end);
}

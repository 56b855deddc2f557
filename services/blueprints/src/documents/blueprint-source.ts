import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { AppError, ErrorCode } from '@af/errors';

export type SourceFormat = 'yaml' | 'json';

export interface SourceLimits {
  maxSourceBytes: number;
  maxDepth: number;
  maxAliasCount: number;
}

/** Keys that would reach an object's prototype chain in careless consumers: refused anywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function parseFormat(format: string): SourceFormat {
  const value = format.trim().toLowerCase();
  if (value === '' || value === 'yaml' || value === 'yml') return 'yaml';
  if (value === 'json') return 'json';
  throw AppError.invalid(`format must be yaml or json, got "${format}"`, '/format');
}

/**
 * Parses a blueprint source safely: bounded size, depth and YAML aliases, no duplicate keys,
 * no prototype keys, no tags, one document, an object at the top. Failures are
 * INVALID_DOCUMENT with the JSON Pointer of the offending place and its line/column when known.
 */
export function parseBlueprintSource(source: string, format: SourceFormat, limits: SourceLimits): Record<string, unknown> {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.maxSourceBytes) throw new AppError(ErrorCode.PayloadTooLarge, `the blueprint source is ${bytes} bytes; at most ${limits.maxSourceBytes} are accepted`, { path: '/source' });
  if (source.trim() === '') throw invalid('the blueprint source is empty', '');
  const nul = source.indexOf('\u0000');
  if (nul !== -1) throw invalid(`the blueprint source contains a NUL character at ${where(source, nul)}`, '');

  try {
    return format === 'json' ? parseJson(source, limits) : parseYaml(source, limits);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof RangeError) throw invalid(`the blueprint is nested too deeply (at most ${limits.maxDepth} levels)`, '');
    throw invalid(`the blueprint source could not be parsed: ${(error as Error).message}`, '');
  }
}

function parseJson(source: string, limits: SourceLimits): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    if (error instanceof RangeError) throw error;
    const message = (error as Error).message.replace(/\s*\(line \d+ column \d+\)$/, '');
    const position = /at position (\d+)/.exec(message);
    const at = position ? ` at ${where(source, Number(position[1]))}` : '';
    throw invalid(`the blueprint is not valid JSON${at}: ${message.replace(/ in JSON at position \d+$/, '')}`, '');
  }
  // JSON is YAML: the YAML AST finds duplicate keys (JSON.parse keeps the last silently) and positions.
  const lines = new LineCounter();
  const doc = parseDocument(source, { uniqueKeys: true, lineCounter: lines, prettyErrors: false, version: '1.2', schema: 'core', keepSourceTokens: false });
  const duplicate = doc.errors.find((e) => e.code === 'DUPLICATE_KEY');
  if (duplicate) throw duplicateKey(doc, lines, duplicate.pos[0]);
  const ast = doc.errors.length === 0 ? { doc, lines } : undefined;
  return checkValue(value, limits, ast);
}

function parseYaml(source: string, limits: SourceLimits): Record<string, unknown> {
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    uniqueKeys: true,
    lineCounter: lines,
    prettyErrors: false,
    strict: true,
    version: '1.2',
    schema: 'core',
    merge: false,
  });
  const first = doc.errors[0];
  if (first) {
    if (first.code === 'DUPLICATE_KEY') throw duplicateKey(doc, lines, first.pos[0]);
    const { line, col } = lines.linePos(first.pos[0]);
    throw invalid(`the blueprint is not valid YAML at line ${line}, column ${col}: ${firstLine(first.message)}`, pathAt(doc, first.pos[0]));
  }
  const tagWarning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tagWarning) {
    const { line, col } = lines.linePos(tagWarning.pos[0]);
    throw invalid(`YAML tags are not allowed (line ${line}, column ${col}): ${firstLine(tagWarning.message)}`, pathAt(doc, tagWarning.pos[0]));
  }
  const unsafe = findUnsafeNode(doc);
  if (unsafe) {
    const { line, col } = lines.linePos(unsafe.offset);
    throw invalid(`${unsafe.message} (line ${line}, column ${col})`, unsafe.path);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError || /alias/i.test((error as Error).message)) {
      const last = lastAlias(doc);
      const place = last ? ` (the last alias is at line ${lines.linePos(last.offset).line}, column ${lines.linePos(last.offset).col})` : '';
      throw invalid(`the blueprint uses YAML aliases too much (at most ${limits.maxAliasCount} alias expansions)${place}: ${(error as Error).message}`, last?.path ?? '');
    }
    throw error;
  }
  return checkValue(value, limits, { doc, lines });
}

/** Walks the parsed value without recursion: depth, prototype keys, non-finite numbers; and the top-level shape. */
/** A lone UTF-16 surrogate (u-mode reads a pair as one code point): RFC 8785 canonical JSON, the basis of the content hash, refuses it. */
const LONE_SURROGATE = /\p{Cs}/u;

function checkValue(value: unknown, limits: SourceLimits, ast: { doc: Document; lines: LineCounter } | undefined): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`the blueprint must be a mapping (object) at the top level, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}`, '');
  }
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (path.length > limits.maxDepth) throw invalid(`the blueprint is nested deeper than ${limits.maxDepth} levels${at(ast, path)}`, pointer(path));
    if (typeof current === 'number' && !Number.isFinite(current)) throw invalid(`numbers must be finite${at(ast, path)}`, pointer(path));
    if (typeof current === 'string' && LONE_SURROGATE.test(current)) throw invalid(`text must be valid Unicode: a lone surrogate has no canonical JSON form${at(ast, path)}`, pointer(path));
    if (typeof current !== 'object' || current === null) continue;
    for (const key of Object.keys(current)) {
      const childPath = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) throw invalid(`the key "${key}" is not allowed${at(ast, childPath, true)}`, pointer(childPath));
      if (LONE_SURROGATE.test(key)) throw invalid(`keys must be valid Unicode: a lone surrogate has no canonical JSON form`, pointer(childPath));
      stack.push({ value: (current as Record<string, unknown>)[key], path: childPath });
    }
  }
  return value as Record<string, unknown>;
}

function at(ast: { doc: Document; lines: LineCounter } | undefined, path: string[], key = false): string {
  if (!ast) return '';
  const offset = offsetOf(ast.doc, path, key);
  if (offset === undefined) return '';
  const { line, col } = ast.lines.linePos(offset);
  return ` (line ${line}, column ${col})`;
}

/** Start offset of the node (or its key) at a path of the YAML AST. */
function offsetOf(doc: Document, path: string[], key: boolean): number | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return undefined;
      if (key && i === path.length - 1) return (pair.key as Node).range?.[0];
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      return undefined;
    }
  }
  return (node as Node | null)?.range?.[0];
}

/** JSON Pointer of the innermost node containing an offset. */
function pathAt(doc: Document, offset: number): string {
  const path: string[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 256; depth++) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyRange = (pair.key as Node | null)?.range;
        const valueRange = (pair.value as Node | null)?.range;
        const start = keyRange?.[0] ?? valueRange?.[0];
        const end = valueRange?.[2] ?? keyRange?.[2];
        if (start !== undefined && end !== undefined && offset >= start && offset <= end && isScalar(pair.key)) {
          path.push(String(pair.key.value));
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const range = (item as Node | null)?.range;
        if (next === undefined && range && offset >= range[0] && offset <= range[2]) {
          path.push(String(index));
          next = item;
        }
      });
    }
    if (next === undefined) break;
    node = next;
  }
  return pointer(path);
}

function duplicateKey(doc: Document, lines: LineCounter, offset: number): AppError {
  const { line, col } = lines.linePos(offset);
  const path = pathAt(doc, offset);
  return invalid(`duplicate key at line ${line}, column ${col}${path ? ` (${path})` : ''}: each key may appear once in a mapping`, path);
}

/** Only the JSON-compatible core tags may be written explicitly (no !!binary, !!set, !!timestamp…). */
const ALLOWED_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Explicit tags outside the core set, and keys that are not scalars (no JSON form). */
function findUnsafeNode(doc: Document): { message: string; offset: number; path: string } | undefined {
  const stack: { node: unknown; path: string[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || node === undefined || path.length > 256) continue;
    const tag = (node as { tag?: string }).tag;
    if (tag && !ALLOWED_TAGS.has(tag)) return { message: `the YAML tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not allowed`, offset: (node as Node).range?.[0] ?? 0, path: pointer(path) };
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) return { message: 'mapping keys must be plain scalars', offset: (pair.key as Node | null)?.range?.[0] ?? 0, path: pointer(path) };
        stack.push({ node: pair.key, path }, { node: pair.value, path: [...path, String(pair.key.value)] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: [...path, String(i)] }));
    }
  }
  return undefined;
}

/** The alias written last in the source (the outermost expansion of a bomb), with its path. */
function lastAlias(doc: Document): { offset: number; path: string } | undefined {
  let last: { offset: number; path: string } | undefined;
  const stack: { node: unknown; path: string[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || node === undefined || path.length > 256) continue;
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      if (!last || offset > last.offset) last = { offset, path: pointer(path) };
    } else if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key)) stack.push({ node: pair.value, path: [...path, String(pair.key.value)] });
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: [...path, String(i)] }));
    }
  }
  return last;
}

function where(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function pointer(path: string[]): string {
  return path.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function invalid(message: string, path: string): AppError {
  return new AppError(ErrorCode.InvalidDocument, message, { path });
}

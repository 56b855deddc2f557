import { isDeepStrictEqual } from 'node:util';
import { JsonSchemaCompiler } from './json-schema.js';
import { compileUserPattern } from './user-patterns.js';

/**
 * The one definition of an eval's expectation (`spec.evals[i].expect`), used by validation (to
 * check a blueprint's evals when it is saved: {@link checkEvalExpectation}) and by the worker (to
 * judge an eval's output: {@link checkExpectation}).
 *
 * `expect` that is not a JSON object (an array, a string, a number, a boolean, null) is the whole
 * expected output, compared deep-equal (the form for agents whose output is not an object).
 * A JSON object: each key is one of:
 * - a field path → the expected value, compared deep-equal. A path is a JSON Pointer (`/a/0/b`,
 *   RFC 6901, `~0` = `~`, `~1` = `/`) or, when it does not start with `/`, dot-separated field
 *   names (`lead.score`; a field name is one segment: `qualified`);
 * - `$schema` → a JSON Schema (the blueprint format's dialect, RE2 patterns) the whole output must
 *   validate against;
 * - `$predicates` → a list of `{ path, op, value }`: `eq`/`ne` (deep-equal), `gt`/`gte`/`lt`/`lte`
 *   (numbers), `contains` (a substring of a string, or an element of an array, deep-equal),
 *   `matches` (an RE2 pattern a string matches), `exists` (`value` true or absent: the path is
 *   present; false: it is absent). `path` as above; `''` or `/` is the whole output.
 * Any other key starting with `$` is reserved (refused); a field whose name starts with `$` is
 * written as a JSON Pointer (`/$ref`).
 */
export const EVAL_PREDICATE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'matches', 'exists'] as const;
export type EvalPredicateOp = (typeof EVAL_PREDICATE_OPS)[number];

export interface EvalPredicate {
  path: string;
  op: EvalPredicateOp;
  value?: unknown;
}

/** Bounds of one expectation (validation refuses larger ones; the worker checks at most this much). */
export const EVAL_EXPECT_LIMITS = {
  /** Bytes of the expectation as JSON. */
  maxBytes: 65_536,
  /** Field-path keys (`$schema` and `$predicates` not counted). */
  maxKeys: 100,
  maxPredicates: 100,
  /** Segments of one path. */
  maxPathDepth: 32,
  maxPathChars: 1_000,
  maxPatternChars: 1_000,
  /** Failures reported per eval case (more are summed up in one last line). */
  maxFailures: 50,
  /** Characters of a value quoted in a failure line. */
  maxQuotedChars: 200,
} as const;

/** A problem of an expectation; `path` is a JSON Pointer relative to `expect`. */
export interface EvalExpectationProblem {
  path: string;
  message: string;
}

const RESERVED_SCHEMA = '$schema';
const RESERVED_PREDICATES = '$predicates';
const NUMERIC_OPS: ReadonlySet<string> = new Set(['gt', 'gte', 'lt', 'lte']);

/** One compiler for every expectation schema (a bounded LRU of validators, RE2 patterns). */
const schemas = new JsonSchemaCompiler({ maxEntries: 256 });

/** The segments of a path (JSON Pointer or dotted), or why it is not one. */
export function parseEvalPath(path: string): { ok: true; segments: string[] } | { ok: false; message: string } {
  if (typeof path !== 'string') return { ok: false, message: 'a path must be a string' };
  if (path.length > EVAL_EXPECT_LIMITS.maxPathChars) return { ok: false, message: `a path may have at most ${EVAL_EXPECT_LIMITS.maxPathChars} characters` };
  let segments: string[];
  if (path === '' || path === '/') segments = [];
  else if (path.startsWith('/')) {
    segments = path.slice(1).split('/');
    if (segments.some((s) => /~(?![01])/.test(s))) return { ok: false, message: `"${path}" is not a JSON Pointer (~ must be followed by 0 or 1)` };
    segments = segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  } else {
    segments = path.split('.');
    if (segments.some((s) => s === '')) return { ok: false, message: `"${path}" has an empty field name (write a JSON Pointer such as /a/b for unusual names)` };
  }
  if (segments.length > EVAL_EXPECT_LIMITS.maxPathDepth) return { ok: false, message: `a path may have at most ${EVAL_EXPECT_LIMITS.maxPathDepth} segments` };
  return { ok: true, segments };
}

function resolve(value: unknown, segments: readonly string[]): { found: true; value: unknown } | { found: false } {
  let node = value;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return { found: false };
      const index = Number(segment);
      if (index >= node.length) return { found: false };
      node = node[index];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else return { found: false };
  }
  return { found: true, value: node };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The problems of an expectation (empty when it is a valid one): what validation reports, with
 * paths relative to `expect` (validation prefixes `/spec/evals/<i>/expect`).
 */
export function checkEvalExpectation(expect: unknown): EvalExpectationProblem[] {
  if (expect === undefined) return [{ path: '', message: 'expect is required: the expected output, or an object of field paths with expected values, $schema, $predicates' }];
  if (!isRecord(expect)) {
    const size = Buffer.byteLength(JSON.stringify(expect) ?? '', 'utf8');
    return size > EVAL_EXPECT_LIMITS.maxBytes ? [{ path: '', message: `expect may have at most ${EVAL_EXPECT_LIMITS.maxBytes} bytes as JSON, has ${size}` }] : [];
  }
  const bytes = Buffer.byteLength(JSON.stringify(expect) ?? '', 'utf8');
  if (bytes > EVAL_EXPECT_LIMITS.maxBytes) return [{ path: '', message: `expect may have at most ${EVAL_EXPECT_LIMITS.maxBytes} bytes as JSON, has ${bytes}` }];
  const problems: EvalExpectationProblem[] = [];
  const fieldKeys = Object.keys(expect).filter((k) => !k.startsWith('$'));
  if (fieldKeys.length > EVAL_EXPECT_LIMITS.maxKeys) problems.push({ path: '', message: `expect may have at most ${EVAL_EXPECT_LIMITS.maxKeys} field paths, has ${fieldKeys.length}` });
  for (const [key, value] of Object.entries(expect)) {
    const at = `/${pointerSegment(key)}`;
    if (key === RESERVED_SCHEMA) {
      const checked = schemas.check(value);
      if (!checked.ok) for (const p of checked.problems) problems.push({ path: `${at}${p.path}`, message: p.message });
    } else if (key === RESERVED_PREDICATES) {
      problems.push(...checkPredicates(value, at));
    } else if (key.startsWith('$')) {
      problems.push({ path: at, message: `"${key}" is reserved: use $schema or $predicates, or write a field named with $ as a JSON Pointer ("/${key}")` });
    } else {
      const parsed = parseEvalPath(key);
      if (!parsed.ok) problems.push({ path: at, message: parsed.message });
      else if (parsed.segments.length === 0) problems.push({ path: at, message: 'the whole output is compared with $predicates [{ "path": "", "op": "eq", … }]' });
    }
  }
  return problems;
}

function checkPredicates(value: unknown, at: string): EvalExpectationProblem[] {
  if (!Array.isArray(value)) return [{ path: at, message: '$predicates must be a list of { path, op, value }' }];
  if (value.length > EVAL_EXPECT_LIMITS.maxPredicates) return [{ path: at, message: `$predicates may have at most ${EVAL_EXPECT_LIMITS.maxPredicates} entries, has ${value.length}` }];
  const problems: EvalExpectationProblem[] = [];
  value.forEach((p: unknown, i) => {
    const here = `${at}/${i}`;
    if (!isRecord(p)) return problems.push({ path: here, message: 'a predicate is an object { path, op, value }' });
    const unknownKeys = Object.keys(p).filter((k) => k !== 'path' && k !== 'op' && k !== 'value');
    if (unknownKeys.length > 0) problems.push({ path: `${here}/${pointerSegment(unknownKeys[0]!)}`, message: `unknown predicate field "${unknownKeys[0]}" (path, op, value)` });
    const path = typeof p['path'] === 'string' ? parseEvalPath(p['path']) : ({ ok: false, message: 'path is required (a JSON Pointer or dotted field path)' } as const);
    if (!path.ok) problems.push({ path: `${here}/path`, message: path.message });
    const op = p['op'];
    if (typeof op !== 'string' || !(EVAL_PREDICATE_OPS as readonly string[]).includes(op)) {
      problems.push({ path: `${here}/op`, message: `op must be one of ${EVAL_PREDICATE_OPS.join(', ')}` });
      return;
    }
    const v = p['value'];
    if (op === 'exists') {
      if (v !== undefined && typeof v !== 'boolean') problems.push({ path: `${here}/value`, message: 'exists takes value true (present, the default) or false (absent)' });
    } else if (v === undefined) problems.push({ path: `${here}/value`, message: `${op} needs a value` });
    else if (NUMERIC_OPS.has(op) && (typeof v !== 'number' || !Number.isFinite(v))) problems.push({ path: `${here}/value`, message: `${op} compares numbers: value must be a number` });
    else if (op === 'matches') {
      if (typeof v !== 'string') problems.push({ path: `${here}/value`, message: 'matches takes an RE2 pattern (a string)' });
      else if (v.length > EVAL_EXPECT_LIMITS.maxPatternChars) problems.push({ path: `${here}/value`, message: `a pattern may have at most ${EVAL_EXPECT_LIMITS.maxPatternChars} characters` });
      else {
        const reason = patternProblem(v);
        if (reason) problems.push({ path: `${here}/value`, message: `not an RE2 pattern (no backreferences or lookaround): ${reason}` });
      }
    }
    return undefined;
  });
  return problems;
}

function patternProblem(pattern: string): string | undefined {
  try {
    compileUserPattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > EVAL_EXPECT_LIMITS.maxQuotedChars ? `${text.slice(0, EVAL_EXPECT_LIMITS.maxQuotedChars)}…` : text;
}

function showPath(segments: readonly string[]): string {
  return segments.length === 0 ? '(output)' : `/${segments.map(pointerSegment).join('/')}`;
}

/**
 * What of `expect` does not hold for `output`: one line per failure (`<path>: <what was
 * expected>, got <actual>`), empty when every expectation holds. An invalid expectation (which
 * validation refuses) fails with its problems rather than passing.
 */
export function checkExpectation(expect: unknown, output: unknown): string[] {
  const problems = checkEvalExpectation(expect);
  if (problems.length > 0) return cap(problems.map((p) => `invalid expectation at ${p.path || '/'}: ${p.message}`));
  if (!isRecord(expect)) return isDeepStrictEqual(output, expect) ? [] : [`(output): expected ${quote(expect)}, got ${quote(output)}`];
  const failures: string[] = [];
  for (const [key, expected] of Object.entries(expect as Record<string, unknown>)) {
    if (key === RESERVED_SCHEMA) {
      const compiled = schemas.compile(expected);
      if (compiled.ok && !compiled.validate(output)) {
        for (const e of compiled.validate.errors ?? []) failures.push(`$schema: ${e.instancePath || '(output)'} ${e.message ?? 'is invalid'}`);
      }
    } else if (key === RESERVED_PREDICATES) {
      for (const predicate of expected as EvalPredicate[]) {
        const failure = checkPredicate(predicate, output);
        if (failure) failures.push(failure);
      }
    } else {
      const { segments } = parseEvalPath(key) as { ok: true; segments: string[] };
      const actual = resolve(output, segments);
      if (!actual.found) failures.push(`${showPath(segments)}: expected ${quote(expected)}, got nothing (no such field)`);
      else if (!isDeepStrictEqual(actual.value, expected)) failures.push(`${showPath(segments)}: expected ${quote(expected)}, got ${quote(actual.value)}`);
    }
  }
  return cap(failures);
}

function cap(lines: string[]): string[] {
  const max = EVAL_EXPECT_LIMITS.maxFailures;
  return lines.length <= max ? lines : [...lines.slice(0, max - 1), `… and ${lines.length - max + 1} more failures`];
}

function checkPredicate(predicate: EvalPredicate, output: unknown): string | undefined {
  const { segments } = parseEvalPath(predicate.path) as { ok: true; segments: string[] };
  const where = showPath(segments);
  const actual = resolve(output, segments);
  const { op, value } = predicate;
  if (op === 'exists') {
    const wanted = value !== false;
    if (actual.found === wanted) return undefined;
    return wanted ? `${where}: expected to exist, got nothing` : `${where}: expected to be absent, got ${quote(actual.found ? actual.value : undefined)}`;
  }
  if (!actual.found) return `${where}: expected ${op} ${quote(value)}, got nothing (no such field)`;
  const got = actual.value;
  const fail = (what: string) => `${where}: expected ${what}, got ${quote(got)}`;
  switch (op) {
    case 'eq':
      return isDeepStrictEqual(got, value) ? undefined : fail(`eq ${quote(value)}`);
    case 'ne':
      return isDeepStrictEqual(got, value) ? fail(`ne ${quote(value)}`) : undefined;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (typeof got !== 'number') return fail(`a number ${op} ${quote(value)}`);
      const v = value as number;
      const holds = op === 'gt' ? got > v : op === 'gte' ? got >= v : op === 'lt' ? got < v : got <= v;
      return holds ? undefined : fail(`${op} ${quote(value)}`);
    }
    case 'contains':
      if (typeof got === 'string') return typeof value === 'string' && got.includes(value) ? undefined : fail(`a string containing ${quote(value)}`);
      if (Array.isArray(got)) return got.some((item) => isDeepStrictEqual(item, value)) ? undefined : fail(`a list containing ${quote(value)}`);
      return fail(`a string or list containing ${quote(value)}`);
    case 'matches':
      if (typeof got !== 'string') return fail(`a string matching /${String(value)}/`);
      return compileUserPattern(value as string).test(got) ? undefined : fail(`a string matching /${String(value)}/`);
    default:
      return `${where}: unknown op ${quote(op)}`;
  }
}

import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { LRUCache } from 'lru-cache';
import { canonicalJson } from './canonical-json.js';
import { re2RegExp, unsupportedPatternReason, userPatterns } from './user-patterns.js';

/**
 * The one JSON Schema dialect of the blueprint format, for every schema a user writes (a tool's
 * `inputSchema`, `spec.input.schema`, `spec.output.schema` — and the evals checked against it):
 * draft 2020-12 (`prefixItems`, `dependentRequired`, `dependentSchemas`, `unevaluated*` …), or
 * draft-07 when `$schema` says so; formats from ajv-formats; every `pattern` on RE2 (linear time).
 * Validation, compilation and the worker all compile schemas here, so a document one accepts the
 * others accept.
 */
export const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
export const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

export type SchemaProblemCode = 'INVALID_JSON_SCHEMA' | 'UNSUPPORTED_PATTERN';

export interface SchemaProblem {
  code: SchemaProblemCode;
  /** JSON Pointer into the schema ('' = the schema itself). */
  path: string;
  message: string;
}

export type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; problems: SchemaProblem[] };
export type CheckedSchema = { ok: true } | { ok: false; problems: SchemaProblem[] };

export interface JsonSchemaCompilerOptions {
  /** Outcomes kept (least recently used dropped first). */
  maxEntries?: number;
  /** Compiles after which a fresh ajv takes over (ajv keeps every pattern and function it generated). */
  compilesPerAjv?: number;
}

/** Schemas whose canonical text is longer are compiled but not cached (their key would cost more than it saves). */
const MAX_KEY_CHARS = 32_768;
const MAX_PROBLEMS = 5;

// validateSchema: false — the meta-schema check runs once, explicitly (not again inside compile).
// code.optimize: false — the optimizer costs a third of a compile and gains little on small schemas.
// logger: false — an unknown format in a user's schema is not a line in our logs.
const AJV_OPTIONS: Options = { strict: false, allErrors: true, validateFormats: true, validateSchema: false, logger: false, code: { optimize: false, regExp: re2RegExp } };

type Dialect = 'draft-07' | 'draft-2020-12';

function newAjv(dialect: Dialect): Ajv {
  const ajv = dialect === 'draft-07' ? new Ajv(AJV_OPTIONS) : new Ajv2020(AJV_OPTIONS);
  addFormats.default(ajv);
  return ajv;
}

/**
 * Compiles user JSON Schemas. Outcomes (a validator, or the problems found) are kept in a bounded
 * LRU keyed by the schema's canonical JSON, so equal schemas share one validator (a pure function
 * of the schema: safe across tools and tenants). No schema stays registered in an ajv: `$id`s of
 * different tools or tenants never collide, and an ajv is retired after `compilesPerAjv` compiles
 * (a schema with `$id`s gets an ajv of its own), so memory is bounded by the LRU.
 */
export class JsonSchemaCompiler {
  private readonly cache: LRUCache<string, CompiledSchema | { ok: true; checked: true }>;
  private readonly compilesPerAjv: number;
  private readonly meta: Record<Dialect, Ajv> = { 'draft-07': newAjv('draft-07'), 'draft-2020-12': newAjv('draft-2020-12') };
  private readonly compilers: Partial<Record<Dialect, { ajv: Ajv; compiles: number }>> = {};
  private ajvsCreated = 2;

  constructor(options: JsonSchemaCompilerOptions = {}) {
    this.cache = new LRUCache({ max: options.maxEntries ?? 1_000 });
    this.compilesPerAjv = options.compilesPerAjv ?? 200;
  }

  /** A validator for the schema, or why there is none. */
  compile(schema: unknown): CompiledSchema {
    const key = cacheKey(schema);
    const hit = key === undefined ? undefined : this.cache.get(key);
    if (hit && !('checked' in hit)) return hit;
    const compiled = this.compileUncached(schema);
    if (key !== undefined) this.cache.set(key, compiled);
    return compiled;
  }

  /**
   * Whether the schema is a valid JSON Schema of the dialect, without keeping a validator: the
   * meta-schema and the patterns decide, plus a full compile when the schema has references
   * (which only compiling resolves). About half the cost of compile for tool input schemas.
   */
  check(schema: unknown): CheckedSchema {
    const key = cacheKey(schema);
    const hit = key === undefined ? undefined : this.cache.get(key);
    if (hit) return hit.ok ? { ok: true } : hit;
    const needsCompile = key === undefined || /"\$(ref|dynamicRef|recursiveRef)"/.test(key);
    if (needsCompile) return toChecked(this.compile(schema));
    const checked = this.precheck(schema);
    const result = 'problems' in checked ? checked : ({ ok: true, checked: true } as const);
    if (key !== undefined) this.cache.set(key, result);
    return result.ok ? { ok: true } : result;
  }

  /** How many outcomes are kept (tests, metrics). */
  get cached(): number {
    return this.cache.size;
  }

  /** How many ajv instances this compiler has created so far (tests: proves retirement). */
  get ajvInstances(): number {
    return this.ajvsCreated;
  }

  /** The dialect, the meta-schema and the patterns: everything but code generation. */
  private precheck(schema: unknown): { dialect: Dialect } | { ok: false; problems: SchemaProblem[] } {
    if (typeof schema === 'boolean') return { dialect: 'draft-2020-12' };
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return invalid([problem('', 'must be a JSON Schema object (or true/false)')]);
    const declared = (schema as { $schema?: unknown }).$schema;
    let dialect: Dialect = 'draft-2020-12';
    if (declared !== undefined) {
      if (typeof declared === 'string' && DRAFT_07.test(declared)) dialect = 'draft-07';
      else if (typeof declared !== 'string' || !DRAFT_2020_12.test(declared)) {
        return invalid([problem('/$schema', `uses unsupported dialect ${JSON.stringify(declared)} (use draft 2020-12 or draft-07)`)]);
      }
    }
    const meta = this.meta[dialect];
    if (meta.validateSchema(schema as object) !== true) {
      // One problem per place: the meta-schema's anyOf branches would otherwise repeat it.
      const byPath = new Map<string, string>();
      for (const e of meta.errors ?? []) if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e.message ?? 'is invalid');
      return invalid([...byPath].slice(0, MAX_PROBLEMS).map(([path, message]) => problem(path, message)));
    }
    const unsupported: SchemaProblem[] = [];
    for (const { path, pattern } of userPatterns(schema)) {
      const syntax = ecmaSyntaxError(pattern);
      if (syntax !== undefined) {
        unsupported.push(problem(path, `${JSON.stringify(truncate(pattern))} is not a valid regular expression: ${syntax}`));
        continue;
      }
      const reason = unsupportedPatternReason(pattern);
      if (reason !== undefined) {
        unsupported.push({
          code: 'UNSUPPORTED_PATTERN',
          path,
          message: `pattern ${JSON.stringify(truncate(pattern))} is not supported: patterns run on a linear-time engine (RE2) without backreferences or lookaround (${reason})`,
        });
      }
    }
    if (unsupported.length > 0) return invalid(unsupported.slice(0, MAX_PROBLEMS));
    return { dialect };
  }

  private compileUncached(schema: unknown): CompiledSchema {
    const checked = this.precheck(schema);
    if ('problems' in checked) return checked;
    const hasIds = typeof schema === 'object' && schema !== null && /"\$(id|anchor|dynamicAnchor)"/.test(safeJson(schema));
    // A schema with `$id`s or anchors gets an ajv of its own: ajv remembers nested ids for good.
    const ajv = hasIds ? this.createAjv(checked.dialect) : this.compilerFor(checked.dialect);
    try {
      return { ok: true, validate: ajv.compile(schema as object) };
    } catch (error) {
      return invalid([problem('', (error as Error).message)]);
    } finally {
      if (typeof schema === 'object') {
        try {
          ajv.removeSchema(schema as object);
        } catch {
          // nothing registered
        }
      }
    }
  }

  private compilerFor(dialect: Dialect): Ajv {
    let current = this.compilers[dialect];
    if (!current || current.compiles >= this.compilesPerAjv) {
      current = { ajv: this.createAjv(dialect), compiles: 0 };
      this.compilers[dialect] = current;
    }
    current.compiles++;
    return current.ajv;
  }

  private createAjv(dialect: Dialect): Ajv {
    this.ajvsCreated++;
    return newAjv(dialect);
  }
}

/** Why a pattern is not an ECMAScript regular expression (JSON Schema's pattern language); compiling only, never matching. */
function ecmaSyntaxError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function toChecked(compiled: CompiledSchema): CheckedSchema {
  return compiled.ok ? { ok: true } : compiled;
}

function problem(path: string, message: string): SchemaProblem {
  return { code: 'INVALID_JSON_SCHEMA', path, message };
}

function invalid(problems: SchemaProblem[]): { ok: false; problems: SchemaProblem[] } {
  return { ok: false, problems };
}

function cacheKey(schema: unknown): string | undefined {
  try {
    const text = canonicalJson(schema);
    return text.length <= MAX_KEY_CHARS ? text : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

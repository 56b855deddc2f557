import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { canonicalJson } from './canonical-json.js';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

export type CompiledUserSchema = { ok: true; validate: ValidateFunction } | { ok: false; problems: { path: string; message: string }[] };

/** Compiled schemas kept (least recently used dropped first), and the largest schema text cached. */
const CACHE_ENTRIES = 1_000;
const CACHE_MAX_KEY_CHARS = 32_768;

/**
 * Compiles JSON Schemas written by users (tool input, output): draft 2020-12 by default,
 * draft-07 when `$schema` says so. No remote refs; ajv's own registry is emptied after each
 * compile. Compiling is the costly part of validation (code generation), so the outcome — a
 * validator or the problems found — is kept in a bounded LRU keyed by the schema's canonical
 * JSON: an edited blueprint usually keeps most of its tool schemas.
 */
export class UserSchemaCompiler {
  // validateSchema: false — the meta-schema check runs once, explicitly, below (not again in compile).
  // code.optimize: false — ajv's code optimizer costs a third of a compile and gains little on small user schemas.
  private readonly draft2020 = withFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true, validateSchema: false, code: { optimize: false } }));
  private readonly draft07 = withFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true, validateSchema: false, code: { optimize: false } }));
  private readonly cache = new Map<string, CompiledUserSchema>();

  constructor(private readonly maxEntries = CACHE_ENTRIES) {}

  compile(schema: unknown): CompiledUserSchema {
    const key = cacheKey(schema);
    if (key !== undefined) {
      const hit = this.cache.get(key);
      if (hit) {
        this.cache.delete(key);
        this.cache.set(key, hit);
        return hit;
      }
    }
    const compiled = this.compileUncached(schema);
    if (key !== undefined) {
      this.cache.set(key, compiled);
      if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return compiled;
  }

  /**
   * Whether a schema is a valid JSON Schema, without keeping a validator: the meta-schema check,
   * plus a full compile only when the schema has references or patterns (which only compiling checks).
   * Tool input schemas need no validator here, so this halves the cold cost of checking them.
   */
  check(schema: unknown): CompiledUserSchema | { ok: true } {
    const key = cacheKey(schema);
    const checkKey = key === undefined ? undefined : `check:${key}`;
    const hit = (key !== undefined && this.cache.get(key)) || (checkKey !== undefined && this.cache.get(checkKey));
    if (hit) return hit;
    // References resolve and regular expressions compile only in ajv.compile; the rest the meta-schema decides.
    const needsCompile = key === undefined || /"(\$ref|\$dynamicRef|\$recursiveRef|pattern|patternProperties)"/.test(key);
    const result: CompiledUserSchema | { ok: true } = needsCompile ? this.compileUncached(schema) : this.metaCheck(schema);
    if (checkKey !== undefined) {
      this.cache.set(checkKey, result as CompiledUserSchema);
      if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return result;
  }

  /** How many compiled schemas are kept (tests, metrics). */
  get cached(): number {
    return this.cache.size;
  }

  private metaCheck(schema: unknown): CompiledUserSchema | { ok: true } {
    if (typeof schema === 'boolean') return { ok: true };
    const chosen = this.dialect(schema);
    if ('problems' in chosen) return chosen;
    return this.metaProblems(chosen.ajv, schema) ?? { ok: true };
  }

  private dialect(schema: unknown): { ajv: Ajv | Ajv2020 } | { ok: false; problems: { path: string; message: string }[] } {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      return { ok: false, problems: [{ path: '', message: 'must be a JSON Schema object (or true/false)' }] };
    }
    const declared = (schema as { $schema?: unknown }).$schema;
    const ajv = typeof declared === 'string' && DRAFT_07.test(declared) ? this.draft07 : this.draft2020;
    if (typeof declared === 'string' && ajv === this.draft2020 && !DRAFT_2020.test(declared)) {
      return { ok: false, problems: [{ path: '/$schema', message: `uses unsupported dialect "${declared}" (use draft 2020-12 or draft-07)` }] };
    }
    return { ajv };
  }

  private metaProblems(ajv: Ajv | Ajv2020, schema: unknown): { ok: false; problems: { path: string; message: string }[] } | undefined {
    if (ajv.validateSchema(schema as object) === true) return undefined;
    // One problem per place: the meta-schema's anyOf branches would otherwise repeat it.
    const byPath = new Map<string, string>();
    for (const e of ajv.errors ?? []) if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e.message ?? 'is invalid');
    return { ok: false, problems: [...byPath].slice(0, 5).map(([path, message]) => ({ path, message })) };
  }

  private compileUncached(schema: unknown): CompiledUserSchema {
    if (typeof schema === 'boolean') return { ok: true, validate: this.draft2020.compile(schema) };
    const chosen = this.dialect(schema);
    if ('problems' in chosen) return chosen;
    const ajv = chosen.ajv;
    const problems = this.metaProblems(ajv, schema);
    if (problems) return problems;
    try {
      return { ok: true, validate: ajv.compile(schema as object) };
    } catch (error) {
      return { ok: false, problems: [{ path: '', message: (error as Error).message }] };
    } finally {
      try {
        ajv.removeSchema(schema as object);
      } catch {
        // nothing registered
      }
    }
  }
}

function cacheKey(schema: unknown): string | undefined {
  try {
    const text = canonicalJson(schema);
    return text.length <= CACHE_MAX_KEY_CHARS ? text : undefined;
  } catch {
    return undefined;
  }
}

function withFormats<T extends Ajv | Ajv2020>(ajv: T): T {
  addFormats.default(ajv);
  return ajv;
}

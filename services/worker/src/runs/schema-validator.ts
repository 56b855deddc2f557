import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ErrorObject } from 'ajv';
import { JsonSchemaCompiler } from '@af/blueprint-format';
import type { JsonSchema } from '../artifacts/artifact.js';

export interface SchemaViolation {
  path: string;
  message: string;
}

/** Validators kept: enough for the tools and schemas of many artifacts, bounded whatever tenants send. */
export const MAX_CACHED_VALIDATORS = 512;

/** Optional provider of the validator cache size (MAX_CACHED_VALIDATORS when absent). */
export const SCHEMA_VALIDATOR_CACHE_SIZE = Symbol.for('af.worker.schemaValidatorCacheSize');

/**
 * Run-time JSON Schema validation of run input, tool arguments and output, in the one dialect of
 * the blueprint format (@af/blueprint-format: draft 2020-12, draft-07 on request, formats, RE2
 * patterns in linear time) — what validation accepted at save time is what runs. Validators are
 * content-addressed in a bounded LRU (equal schemas of any artifact or tenant share one pure
 * validator); no schema is registered in a shared ajv, so equal or distinct `$id`s across tools
 * and tenants neither collide nor accumulate.
 */
@Injectable()
export class SchemaValidator {
  private readonly schemas: JsonSchemaCompiler;

  // An injection token, not a bare `number` parameter: Nest resolves constructor parameters by their
  // emitted type, and a plain number (emitted as Object) made the worker fail to boot from its build.
  constructor(@Optional() @Inject(SCHEMA_VALIDATOR_CACHE_SIZE) maxValidators: number = MAX_CACHED_VALIDATORS) {
    this.schemas = new JsonSchemaCompiler({ maxEntries: maxValidators });
  }

  /** The violations of `value` against `schema` (empty when valid); a schema that cannot be compiled is one violation. */
  validate(schema: JsonSchema, value: unknown): SchemaViolation[] {
    const compiled = this.schemas.compile(schema);
    if (!compiled.ok) return compiled.problems.map((p) => ({ path: '/', message: `the schema cannot be used: ${p.path || '/'} ${p.message}` }));
    if (compiled.validate(value)) return [];
    return (compiled.validate.errors ?? []).map((e: ErrorObject) => ({ path: e.instancePath || '/', message: e.message ?? 'is invalid' }));
  }

  /** How many compiled validators are kept (tests, metrics). */
  get cachedValidators(): number {
    return this.schemas.cached;
  }
}

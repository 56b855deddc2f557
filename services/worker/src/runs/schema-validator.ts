import { Injectable } from '@nestjs/common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../artifacts/artifact.js';
import { LruCache } from '../artifacts/lru-cache.js';

export interface SchemaViolation {
  path: string;
  message: string;
}

/** JSON Schema validation (ajv, draft-07 + formats), compiled once per distinct schema. */
@Injectable()
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new LruCache<string, ValidateFunction>(512);

  constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats.default(this.ajv);
  }

  /** The violations of `value` against `schema` (empty when valid). */
  validate(schema: JsonSchema, value: unknown): SchemaViolation[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => ({ path: e.instancePath || '/', message: e.message ?? 'is invalid' }));
  }
}

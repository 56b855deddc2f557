import { JsonSchemaCompiler, type CompiledSchema, type SchemaProblem } from '@af/blueprint-format';

/**
 * Proves at compile time that a JSON Schema compiles to a validator in the one dialect of the
 * blueprint format (@af/blueprint-format: draft 2020-12, draft-07 on request, formats, RE2
 * patterns) — the dialect validation checked it in and the worker validates with. The worker
 * compiles its own validators from the schemas stored in the artifact (it never evaluates code
 * read from an artifact in its own process); compiling here means a schema that would fail there
 * is a compile error with its blueprint path instead of a failed run. Outcomes are kept in the
 * compiler's bounded LRU.
 */
const schemas = new JsonSchemaCompiler({ maxEntries: 2_048 });

/** null when the schema compiles, else the first problem (path relative to the schema). */
export function schemaProblem(schema: unknown): SchemaProblem | null {
  const checked = schemas.check(schema);
  return checked.ok ? null : (checked.problems[0] ?? { code: 'INVALID_JSON_SCHEMA', path: '', message: 'is invalid' });
}

/** The validator compilation's check stands for (parity tests with validation and the worker). */
export function compiledSchema(schema: unknown): CompiledSchema {
  return schemas.compile(schema);
}

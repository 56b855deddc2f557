import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Proves at compile time that a JSON Schema compiles to a validator, with the same ajv options the
 * worker validates with (draft-07, `allErrors`, formats, non-strict). The worker compiles its own
 * validators from the schemas stored in the artifact (it never evaluates code read from an
 * artifact in its own process); compiling here means a schema that would fail there is a compile
 * error with its blueprint path instead of a failed run.
 *
 * Verdicts are memoised by schema content (a pure function of the bytes), bounded.
 */
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
addFormats.default(ajv);

const MAX_VERDICTS = 2_048;
const verdicts = new Map<string, string | null>();

/** null when the schema compiles, else ajv's reason. */
export function schemaProblem(schema: unknown): string | null {
  const json = JSON.stringify(schema);
  const key = createHash('sha256').update(json).digest('base64');
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  let problem: string | null = null;
  if (typeof schema === 'boolean') return null;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    problem = 'a JSON Schema must be an object or a boolean';
  } else {
    // A private copy: ajv keys its own cache by object identity, and a `$id` would collide.
    const copy = JSON.parse(json) as Record<string, unknown>;
    delete copy['$id'];
    try {
      ajv.compile(copy);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    } finally {
      ajv.removeSchema(copy);
    }
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value as string);
  verdicts.set(key, problem);
  return problem;
}

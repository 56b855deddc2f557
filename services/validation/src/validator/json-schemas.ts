import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

export type CompiledUserSchema = { ok: true; validate: ValidateFunction } | { ok: false; problems: { path: string; message: string }[] };

/**
 * Compiles JSON Schemas written by users (tool input, output): draft 2020-12 by default,
 * draft-07 when `$schema` says so. Nothing is kept between calls (no remote refs, no cache growth).
 */
export class UserSchemaCompiler {
  private readonly draft2020 = withFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true }));
  private readonly draft07 = withFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true }));

  compile(schema: unknown): CompiledUserSchema {
    if (typeof schema === 'boolean') return { ok: true, validate: this.draft2020.compile(schema) };
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      return { ok: false, problems: [{ path: '', message: 'must be a JSON Schema object (or true/false)' }] };
    }
    const declared = (schema as { $schema?: unknown }).$schema;
    const ajv = typeof declared === 'string' && DRAFT_07.test(declared) ? this.draft07 : this.draft2020;
    if (typeof declared === 'string' && ajv === this.draft2020 && !/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/.test(declared)) {
      return { ok: false, problems: [{ path: '/$schema', message: `uses unsupported dialect "${declared}" (use draft 2020-12 or draft-07)` }] };
    }
    const metaValid = ajv.validateSchema(schema);
    if (metaValid !== true) {
      // One problem per place: the meta-schema's anyOf branches would otherwise repeat it.
      const byPath = new Map<string, string>();
      for (const e of ajv.errors ?? []) if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e.message ?? 'is invalid');
      return { ok: false, problems: [...byPath].slice(0, 5).map(([path, message]) => ({ path, message })) };
    }
    try {
      return { ok: true, validate: ajv.compile(schema) };
    } catch (error) {
      return { ok: false, problems: [{ path: '', message: (error as Error).message }] };
    } finally {
      try {
        ajv.removeSchema(schema);
      } catch {
        // nothing registered
      }
    }
  }
}

function withFormats<T extends Ajv | Ajv2020>(ajv: T): T {
  addFormats.default(ajv);
  return ajv;
}
